/** Accept-Encoding negotiation for precompressed siblings, as nginx's brotli_static and gzip_static do it. */

/** Codings the client accepts (q > 0), by name; `*` stands for any other. */
function accepted(header: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find(Boolean);
    out.set(name.trim(), q ? Number(q[1]) : 1);
  }
  return out;
}

export function accepts(header: string | undefined, coding: 'br' | 'gzip'): boolean {
  const codings = accepted(header);
  const q = codings.get(coding) ?? (coding === 'gzip' ? codings.get('x-gzip') : undefined) ?? codings.get('*') ?? 0;
  return q > 0;
}
