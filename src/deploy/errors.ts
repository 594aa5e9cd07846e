/**
 * Deploy failures a person can act on. DeployError: the build, the connection or the board
 * (exit 1); DeployUsageError: the command line (exit 2). Both carry a hint saying what to do.
 */
export class DeployError extends Error {
  readonly hint?: string;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'DeployError';
    this.hint = hint;
  }
}

export class DeployUsageError extends DeployError {
  constructor(message: string) {
    super(message, 'see solarpress deploy --help');
    this.name = 'DeployUsageError';
  }
}
