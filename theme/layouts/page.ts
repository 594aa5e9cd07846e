/** Plain content pages (about, colophon) and the power page with its live figures. */
import { h } from 'hastscript';
import type { Element } from 'hast';
import type { Layout, LayoutContext } from '../../src/types.ts';
import { bodyOf } from '../lib/components.ts';
import { documentLayout } from '../lib/document.ts';
import { formatLabel, siteFeedLinks } from '../lib/feeds.ts';
import { showing } from '../lib/reads.ts';
import { isPowerPage } from '../lib/site-map.ts';
import { powerChartUrl } from '../lib/urls.ts';
import { heldBackNote } from '../rehype/figures.ts';

function plain(ctx: LayoutContext, bodyClass: string, after: Element[] = []) {
  const { page } = ctx;
  return documentLayout(ctx, {
    title: page.title,
    description: page.summary,
    bodyClass,
    main: [
      h('article.entry', [
        h('header.intro', [h('h1.title', page.title), page.summary ? h('p.dek', page.summary) : undefined]),
        bodyOf(page),
      ]),
      ...after,
    ],
  });
}


/** Each live figure: label, the stats.json field it shows (documented in theme/README.md), its data-stat key. */
const figures: Array<[label: string, field: string, stat: string]> = [
  ['Battery charge', 'battery.percent', 'battery'],
  ['Power from the solar panel', 'power.solar_w', 'solar-w'],
  ['Power from the battery', 'power.battery_w', 'battery-w'],
  ['Power used by the server', 'power.load_w', 'load-w'],
  ['Battery voltage', 'battery.voltage_v', 'voltage'],
  ['Battery current', 'battery.current_a', 'current'],
  ['CPU temperature', 'system.cpu_temp_c', 'cpu-temp'],
  ['System load (1, 5, 15 min)', 'system.load', 'load'],
  ['Uptime', 'system.uptime_s', 'uptime'],
  ['Local time at the server', 'local_time', 'local-time'],
];

function liveFigures(ctx: LayoutContext): Element {
  const { board } = ctx.config;
  return h('section.power-live', { ariaLabelledBy: 'power-live-title' }, [
    h('h2', { id: 'power-live-title' }, 'Right now'),
    h('p.status', { dataStat: 'status' }, 'Live figures appear here when JavaScript runs.'),
    h(
      'dl.figures',
      figures.map(([label, , stat]) =>
        h('div', [
          h('dt', label),
          h(
            'dd',
            stat === 'battery'
              ? h('span.battery-label', h('span.battery-value', { dataStat: stat }))
              : h('span', { dataStat: stat }, '–'),
          ),
        ]),
      ),
    ),
    h('h3', 'Forecast'),
    h('ol.forecast', { dataStat: 'forecast-list' }, h('li', 'No forecast yet.')),
    h('p.power-raw', ['The same figures as data: ', h('a', { href: board.statsUrl }, board.statsUrl), '.']),
    board.hardware || board.location
      ? h('section.power-hardware', { ariaLabelledBy: 'power-hardware-title' }, [
          h('h2', { id: 'power-hardware-title' }, 'The hardware'),
          h('dl.figures', [
            board.hardware ? h('div', [h('dt', 'Server'), h('dd', board.hardware)]) : undefined,
            board.location ? h('div', [h('dt', 'Location'), h('dd', board.location)]) : undefined,
            h('div', [h('dt', 'Time zone'), h('dd', board.timezone)]),
          ]),
        ])
      : undefined,
  ]);
}

/**
 * The last days, drawn by the board (an <img>: no JavaScript needed), and the two sentences it writes
 * into battery.css (uptime, the outlook for the night), shown through ::after.
 */
function powerHistory(ctx: LayoutContext): Element {
  const alt = 'Chart of the battery charge and the solar power over the last days, drawn by the board every 10 minutes.';
  return h('section.power-history', { ariaLabelledBy: 'power-history-title' }, [
    h('h2', { id: 'power-history-title' }, 'The last days'),
    h('figure.power-chart', [
      h('img', { src: powerChartUrl(ctx.config), alt, width: 640, height: 250 }),
      heldBackNote(alt, 'Chart'),
      h('figcaption', 'Battery charge (line) and solar power (yellow) over the last days, in the board’s time zone; nights shaded, red where the board was off.'),
    ]),
    h('p.power-uptime'),
    h('p.power-night'),
  ]);
}

function whenItRunsOut(ctx: LayoutContext): Element {
  return h('aside.offline', { ariaLabelledBy: 'power-offline-title' }, [
    h('h2', { id: 'power-offline-title' }, 'When the battery runs out'),
    h('p', [
      'After a few dark days the battery empties and this website goes offline until the sun comes back. ',
      'Subscribe to the feed and your reader keeps every article, guide and zine part, with images, to read while we are down: ',
      ...siteFeedLinks(ctx).flatMap((f, i) => [i > 0 ? ', ' : '', h('a', { href: f.href, type: f.type }, formatLabel(f))]),
      '.',
    ]),
  ]);
}

export const power: Layout = showing((ctx) => plain(ctx, 'layout-page layout-power', [liveFigures(ctx), powerHistory(ctx), whenItRunsOut(ctx)]));

export const page: Layout = showing((ctx) => (isPowerPage(ctx.page) ? power(ctx) : plain(ctx, 'layout-page')));
