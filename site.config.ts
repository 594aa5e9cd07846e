import { defineConfig } from './src/define-config.ts';

export default defineConfig({
  title: 'Homebrew Server Club',
  subtitle: 'Seizing the means of serving, from a solar-powered board in Rotterdam',
  url: 'https://homebrewserver.club',
  language: 'en',
  author: { name: 'Homebrew Server Club' },
  // The licence the zine states for all contributions (seed 000/001, footnote 2).
  license: { name: 'CC BY-SA 2.0', url: 'https://creativecommons.org/licenses/by-sa/2.0/' },
  board: {
    location: 'Rotterdam, the Netherlands',
    timezone: 'Europe/Amsterdam',
    hardware: 'Olimex A20 single-board computer, 50 W solar panel, lithium-polymer battery',
  },
  budgets: { pageKB: 200, assetsKB: 12 },
  // The zine issue's cover page is a feed item too: it carries the EPUB as its enclosure.
  feed: { kinds: ['article', 'guide', 'zine-issue', 'zine-part'] },
  // The EPUB of each issue is published; the print edition (PDF, booklet) needs Chromium at build
  // time, so it is made on demand: `npx solarpress zine ilu-9 --out print/`.
  zine: { epub: true, pdf: false, booklet: false, guides: '/guides.epub' },
  // The club's images are diagrams: their lossless WebP is 15 % smaller than the PNG (off by default:
  // on photos it saves ~2 % for three times the CPU; plugins/dither/README.md).
  dither: { webp: true },
  deploy: { host: 'solar.homebrewserver.club', user: 'solarpress', path: '/var/www/solarpress' },
});
