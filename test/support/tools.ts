/**
 * Tests that need a system tool (nginx, chromium, sshd, …) use this to decide whether to run.
 * Outside CI a missing tool skips the test with a reason; with CI=true a missing tool is a failure,
 * so CI can never pass by skipping.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export function hasTool(command: string): boolean {
  if (command.startsWith('/')) return existsSync(command);
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** True when every tool is there; throws under CI=true when one is missing. */
export function requireTools(...commands: string[]): boolean {
  const missing = commands.filter((c) => !hasTool(c));
  if (missing.length === 0) return true;
  if (process.env.CI === 'true') {
    throw new Error(`CI=true but required tools are missing: ${missing.join(', ')} (.ci/run should install them)`);
  }
  console.warn(`skipping: missing ${missing.join(', ')}`);
  return false;
}
