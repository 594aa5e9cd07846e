/**
 * The one rule for URL schemes, used by page bodies (an error at file:line) and by the feeds (the
 * attribute is dropped): links with the schemes people use to reach each other are kept; everything
 * else, above all `javascript:`, `vbscript:` and `data:`, which run or carry code, is refused.
 */

/** Schemes a reader can follow safely, with or without a browser. */
export const SAFE_SCHEMES: ReadonlySet<string> = new Set([
  'http', 'https', 'mailto', 'xmpp', 'tel', 'sms', 'geo', 'irc', 'ircs', 'ftp', 'gemini', 'gopher',
  'magnet', 'matrix', 'news', 'nntp', 'webcal', 'ssh', 'sip', 'sips',
]);

/**
 * The scheme of a URL as a browser reads it, lowercased without its colon, or undefined for a
 * relative URL. Browsers ignore leading and trailing spaces and control characters and every tab
 * or newline inside, so "java\tscript:" and " javascript:" are javascript: too.
 */
export function schemeOf(url: string): string | undefined {
  const cleaned = url.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
  return /^([a-z][a-z0-9+.-]*):/i.exec(cleaned)?.[1].toLowerCase();
}

/** Whether a scheme ('https', or 'https:' as URL.protocol gives it) is one solarpress publishes. */
export function isSafeScheme(scheme: string): boolean {
  return SAFE_SCHEMES.has(scheme.toLowerCase().replace(/:$/, ''));
}

/** The scheme of a URL that must not be published, or undefined when it is relative or safe. */
export function refusedScheme(url: string): string | undefined {
  const scheme = schemeOf(url);
  return scheme !== undefined && !isSafeScheme(scheme) ? scheme : undefined;
}

/** The hint of a refused link, for error messages. */
export function schemeHint(scheme: string): string {
  const why = ['javascript', 'vbscript', 'data'].includes(scheme)
    ? `${scheme}: links run or carry code in the reader's browser`
    : `${scheme}: is not a scheme solarpress publishes`;
  return `${why}; remove the link, or use one of ${[...SAFE_SCHEMES].map((s) => `${s}:`).join(' ')} (or a relative path)`;
}
