/**
 * Node options that let a worker thread or child process run solarpress's TypeScript: tsx's
 * loader by absolute URL, so it resolves wherever the site being built lives.
 */
export const TSX_EXEC_ARGV: string[] = ['--import', import.meta.resolve('tsx')];
