/**
 * The board's web server: `solarpress nginx` renders its nginx config from the `server` section
 * of site.config.ts. See README.md for the options and how to install the file on the board.
 */
import { definePlugin } from '../../src/define-plugin.ts';
import { nginxCommand } from './command.ts';
import { contentRedirects } from '../../src/content/redirects.ts';
import { serverSchema, type ServerOptions } from './options.ts';

export { serverSchema, resolveServerOptions, type ServerOptions, type ServerOptionsInput, type ResolvedServerOptions } from './options.ts';
export { renderSiteConfig } from './site.ts';
export { renderStandaloneConfig } from './standalone.ts';

const nginx = definePlugin({
  name: 'nginx',
  configKey: 'server',
  schema: serverSchema,
  setup(options, config) {
    return {
      version: '1',
      // Answered by the board's nginx from outside the release (site.ts): page links there are fine.
      servedOutside: ['/api/', '/.well-known/acme-challenge/'],
      // Moved pages come from the content (aliases:); a config made of a section alone has none.
      commands: [nginxCommand({ options, siteUrl: config.url, redirects: () => (config.root ? contentRedirects(config) : []) })],
    };
  },
});

export default nginx;
