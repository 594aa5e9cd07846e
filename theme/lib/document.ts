/**
 * The document every layout shares: head (styles, feeds, live battery CSS), masthead with the menu,
 * the floating battery label, the footer dashboard and the page weight.
 */
import { h, type Child } from 'hastscript';
import type { Element, ElementContent, Root, Text } from 'hast';
import type { LayoutContext } from '../../src/types.ts';
import { feedLinks, formatLabel, siteFeedLinks } from './feeds.ts';
import { formatKB, pageWeight } from './weight.ts';
import { isCurrent, mainNav, powerPage } from './site-map.ts';
import { absoluteUrl, batteryCssUrl, powerChartUrl } from './urls.ts';
import { previewMark } from './preview-mark.ts';

export interface DocumentOptions {
  /** The document title's own part (the site title is added). Undefined on the home page. */
  title?: string;
  description?: string;
  /** Class on <body>, for layout-specific styles. */
  bodyClass: string;
  main: ElementContent[];
  /** The site title is the page's h1 only on the home page. */
  siteTitleIsHeading?: boolean;
  /** Extra head elements (e.g. prev/next links). */
  head?: Element[];
}

// A sun drawn in SVG as a data: URL, so no request is ever made for /favicon.ico.
const favicon =
  'data:image/svg+xml,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="4" fill="#f2b705"/>' +
      '<path d="M8 0v3M8 13v3M0 8h3M13 8h3M2.3 2.3l2.1 2.1M11.6 11.6l2.1 2.1M2.3 13.7l2.1-2.1M11.6 4.4l2.1-2.1" stroke="#1b1b1b" stroke-width="1.3"/></svg>',
  );

export function documentLayout(ctx: LayoutContext, o: DocumentOptions): Root {
  const { config, site, page } = ctx;
  const title = o.title ? `${o.title} · ${config.title}` : config.subtitle ? `${config.title}: ${config.subtitle}` : config.title;
  const description = o.description || config.subtitle || config.title;
  const weightText: Text = { type: 'text', value: '' };
  const power = powerPage(site);
  const powerUrl = power?.url ?? config.board.statsUrl;

  const head = h('head', [
    h('meta', { charSet: 'utf-8' }),
    h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
    h('title', title),
    h('meta', { name: 'description', content: description }),
    h('link', { rel: 'canonical', href: absoluteUrl(config, page.url) }),
    ...openGraph(ctx, o.title ?? config.title, description),
    h('link', { rel: 'icon', href: favicon }),
    h('link', { rel: 'stylesheet', href: ctx.asset('solar.css') }),
    // Written by the board every minute: the battery level for browsers without JavaScript.
    h('link', { rel: 'stylesheet', href: batteryCssUrl(config) }),
    ...feedLinks(ctx).map((f) => h('link', { rel: 'alternate', type: f.type, title: f.title, href: f.href })),
    ...(o.head ?? []),
    h('meta', { name: 'theme-color', content: '#f6f1e3' }),
    h('script', { src: ctx.asset('solar.js'), defer: true }),
  ]);

  // The page background fills up to --battery-level; this label floats at that height (on wide screens).
  const batteryFloat = h('p.meter', [
    h('a.battery-label', { href: powerUrl }, [
      h('span.sr-only', 'Solar battery: '),
      h('span.battery-value', { dataStat: 'battery-short' }),
    ]),
  ]);

  const nav = mainNav(site);
  const siteTitle = h('a', { href: '/', rel: 'home' }, config.title);
  // The menu opens through :target on the masthead itself, so opening it does not scroll the page.
  const masthead = h('header.masthead', { id: 'menu' }, [
    h('div.bar', [
      h('div.brand', [
        o.siteTitleIsHeading ? h('h1.site-title', siteTitle) : h('p.site-title', siteTitle),
        config.subtitle ? h('p.tagline', config.subtitle) : undefined,
      ]),
      batteryFloat,
      // Without JavaScript the menu opens through :target; without CSS it is a plain list of links.
      h('a.menu-open', { href: '#menu' }, 'Menu'),
      h('nav.nav', { ariaLabel: 'Main' }, [
        h(
          'ul',
          nav.map((item) =>
            h('li', h('a', { href: item.url, ariaCurrent: isCurrent(item, page) ? 'page' : undefined }, item.label)),
          ),
        ),
        // '#top' is the top of the document (HTML's special fragment): no :target, the menu closes.
        h('a.menu-close', { href: '#top' }, 'Close menu'),
      ]),
    ]),
  ]);

  const feeds = siteFeedLinks(ctx);
  const footer = h('footer.site-footer', [
    dashboard(ctx, powerUrl),
    h('div.colophon', [
      h('p.page-weight', [weightText]),
      feeds.length
        ? h('p.feeds', [
            'Read everything offline in your feed reader: ',
            ...feeds.flatMap((f, i) => [i > 0 ? ' · ' : '', h('a', { href: f.href, type: f.type }, formatLabel(f))]),
            '.',
          ])
        : undefined,
      h('p.permalink', ['Permalink: ', h('a', { href: page.url }, absoluteUrl(config, page.url))]),
      h('p.license', [
        `${config.title} · `,
        h('a', { href: config.license.url, rel: 'license' }, config.license.name),
      ]),
    ]),
  ]);

  const html = h('html', { lang: config.language, dataStats: config.board.statsUrl }, [
    head,
    h('body', { className: [o.bodyClass] }, [
      h('a.skip', { href: '#main' }, 'Skip to content'),
      masthead,
      h('main', { id: 'main' }, [previewMark(ctx), ...o.main]),
      footer,
    ]),
  ]);
  const root: Root = { type: 'root', children: [{ type: 'doctype' }, html] };

  // Measure with a stand-in of the final text's length, then write the figure in (and change
  // nothing else: the core publishes the document it measured with only this text rewritten).
  weightText.value = 'This page weighs 000 KB.';
  weightText.value = `This page weighs ${formatKB(ctx.weigh ? ctx.weigh(root, weightText) : pageWeight(root, ctx.compressedSize))}.`;
  return root;
}

/** Open Graph meta, so a link shared in a chat shows title, summary and the lead image. */
function openGraph(ctx: LayoutContext, title: string, description: string): Element[] {
  const { page, config } = ctx;
  const isArticle = ['article', 'guide', 'zine-part', 'zine-issue'].includes(page.kind);
  const meta = (property: string, content: string) => h('meta', { property, content });
  const image = page.leadImage;
  return [
    meta('og:type', isArticle ? 'article' : 'website'),
    meta('og:site_name', config.title),
    meta('og:title', title),
    meta('og:description', description),
    meta('og:url', absoluteUrl(config, page.url)),
    ...(image
      ? [meta('og:image', absoluteUrl(config, image.url)), meta('og:image:width', String(image.width)), meta('og:image:height', String(image.height))]
      : []),
    ...(isArticle && page.date ? [meta('article:published_time', page.date.toISOString())] : []),
  ];
}

/** The footer dashboard: filled by solar.js from stats.json; the battery also by battery.css. */
function dashboard(ctx: LayoutContext, powerUrl: string): Element {
  const { board } = ctx.config;
  const row = (label: string, value: Child) => h('div', [h('dt', label), h('dd', value)]);
  const live = (stat: string) => h('span', { dataStat: stat }, '–');
  return h('section.dashboard', { ariaLabelledBy: 'dashboard-title' }, [
    h('h2.dashboard-title', { id: 'dashboard-title' }, 'This website runs on solar power'),
    h('dl.figures', [
      board.location ? row('Server location', board.location) : undefined,
      row('Local time', live('local-time')),
      row('Battery', h('span.battery-label', [h('span.battery-value', { dataStat: 'battery' })])),
      row('Power used', live('load-w')),
      row('Uptime', live('uptime')),
      row('Forecast', live('forecast')),
    ].filter((e): e is Element => !!e)),
    h('p.dashboard-more', [
      // The board's chart of the last days (loaded only when the footer comes into view; hidden in low-power mode).
      h('a', { href: powerUrl }, [
        h('img.footer-chart', { src: powerChartUrl(ctx.config), alt: '', width: 320, height: 125, loading: 'lazy', decoding: 'async' }),
        'How this site is powered',
      ]),
      ' ',
      h('span.dashboard-status', { dataStat: 'status' }),
    ]),
    h('noscript', h('p.note', [
      'With JavaScript off, the battery level comes from the board’s style sheet; the other figures are in ',
      h('a', { href: ctx.config.board.statsUrl }, 'the raw power statistics'),
      '.',
    ])),
  ]);
}
