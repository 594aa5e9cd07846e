/** Facts about the machine the config is rendered on: is the brotli module there, where is mime.types. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEBIAN_BROTLI_MODULE, DEBIAN_MIME_TYPES, type StandaloneEnvironment } from './standalone.ts';

/** Debian enables a dynamic module by a file in modules-enabled/ that load_module's it. */
export function systemNginxLoadsBrotli(modulesEnabled = '/etc/nginx/modules-enabled'): boolean {
  if (!existsSync(modulesEnabled)) return false;
  return readdirSync(modulesEnabled).some((name) => {
    try {
      return /ngx_http_brotli_static_module/.test(readFileSync(join(modulesEnabled, name), 'utf8'));
    } catch {
      return false;
    }
  });
}

export function detectStandaloneEnvironment(): StandaloneEnvironment {
  return {
    mimeTypesFile: existsSync(DEBIAN_MIME_TYPES) ? DEBIAN_MIME_TYPES : undefined,
    brotliModule: existsSync(DEBIAN_BROTLI_MODULE) ? DEBIAN_BROTLI_MODULE : undefined,
  };
}
