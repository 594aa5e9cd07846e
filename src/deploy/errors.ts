/**
 * Deploy failures a person can act on, said by the one reporter (src/cli/report.ts). DeployError:
 * the build, the connection or the board (exit 1); DeployUsageError: the command line (exit 2).
 * Both carry a hint saying what to do.
 */
import { CommandError, UsageError } from '../errors.ts';

export class DeployError extends CommandError {
  constructor(message: string, hint?: string) {
    super(message, hint);
    this.name = 'DeployError';
  }
}

export class DeployUsageError extends UsageError {
  constructor(message: string) {
    super(message, 'see solarpress deploy --help');
    this.name = 'DeployUsageError';
  }
}
