/**
 * The 8×8 Bayer index matrix: I2 = [[0,2],[3,1]], I2n = [[4·In, 4·In+2], [4·In+3, 4·In+1]].
 */
export type Matrix = number[][];

export function bayerMatrix(order: number): Matrix {
  let m: Matrix = [
    [0, 2],
    [3, 1],
  ];
  while (m.length < order) {
    const n = m.length;
    const next: Matrix = Array.from({ length: 2 * n }, () => new Array<number>(2 * n).fill(0));
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        const v = 4 * m[y][x];
        next[y][x] = v;
        next[y][x + n] = v + 2;
        next[y + n][x] = v + 3;
        next[y + n][x + n] = v + 1;
      }
    }
    m = next;
  }
  return m;
}

/** I8, flattened row-major: cell (x, y) is BAYER8[(y % 8) * 8 + x % 8]. */
export const BAYER8: readonly number[] = bayerMatrix(8).flat();
