/** Sizes for people, in every command's summary and message: one formatter, a few house styles. */
export interface BytesStyle {
  /** Decimals of KB (MB always get one). Default 0. */
  decimals?: number;
  /** Under a kilobyte in bytes ('512 B'); false: in KB all the same ('0.5 KB'). Default true. */
  bytes?: boolean;
  /** From a megabyte in MB; false: in KB all the same. Default true. */
  megabytes?: boolean;
  /** The kilobyte's symbol ('KB', or 'kB' as the dither command prints it). */
  kilo?: 'KB' | 'kB';
}

export function formatBytes(n: number, { decimals = 0, bytes = true, megabytes = true, kilo = 'KB' }: BytesStyle = {}): string {
  if (bytes && n < 1024) return `${n} B`;
  if (megabytes && n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  const kb = n / 1024;
  return `${decimals === 0 ? Math.round(kb) : kb.toFixed(decimals)} ${kilo}`;
}
