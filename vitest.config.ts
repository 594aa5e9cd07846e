import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { listFiles } from './src/code-hash.js';

// Where tests live (README, "Where tests live"): core tests in test/, a plugin's and the theme's beside
// their code, the board scripts' in scripts/. A test anywhere else would never run: say so instead.
const misplaced = ['src', 'bench', 'bin']
  .filter((dir) => existsSync(dir))
  .flatMap((dir) => listFiles(dir).filter((file) => file.endsWith('.test.ts')).map((file) => `${dir}/${file}`));
if (misplaced.length > 0) {
  throw new Error(`${misplaced.join(', ')}: tests here never run. Core tests go in test/ (README, "Where tests live").`);
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'plugins/**/*.test.ts', 'theme/**/*.test.ts', 'scripts/**/*.test.ts'],
    // Integration tests build real sites and start real servers: give them room on a 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2 } },
  },
});
