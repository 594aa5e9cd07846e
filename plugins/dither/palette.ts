/**
 * Palettes and per-channel thresholds: the named grey palettes and the parsing of colour lists.
 */
export type RGB = [number, number, number];

/** The named palettes: 3-tone, 6-tone greys (the default) and 11-tone greys. */
export const NAMED_PALETTES: Record<3 | 6 | 11, RGB[]> = {
  3: [0, 125, 250].map((v) => [v, v, v] as RGB),
  6: [25, 75, 125, 175, 225, 250].map((v) => [v, v, v] as RGB),
  11: Array.from({ length: 11 }, (_, i) => [25 * i, 25 * i, 25 * i] as RGB),
};

export type PaletteSpec = 3 | 6 | 11 | Array<RGB | string>;
export type ThresholdSpec = number | RGB;

const HEX = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i;

export function parseHex(colour: string): RGB | undefined {
  const m = HEX.exec(colour.trim());
  return m ? [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)] : undefined;
}

export function toHex([r, g, b]: RGB): string {
  return '#' + [r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('');
}

/** A palette spec (already validated by the schema) as a list of RGB colours. */
export function resolvePalette(spec: PaletteSpec): RGB[] {
  if (typeof spec === 'number') return NAMED_PALETTES[spec].map((c) => [...c] as RGB);
  return spec.map((c) => {
    if (typeof c !== 'string') return [...c] as RGB;
    const rgb = parseHex(c);
    if (!rgb) throw new Error(`not a colour: ${c} (write #rrggbb)`);
    return rgb;
  });
}

export function resolveThreshold(spec: ThresholdSpec): RGB {
  return typeof spec === 'number' ? [spec, spec, spec] : [...spec];
}

/** True when every colour is a grey (r = g = b): the nearest colour then depends on r+g+b only. */
export function isGreyPalette(palette: readonly RGB[]): boolean {
  return palette.every(([r, g, b]) => r === g && g === b);
}
