/**
 * Running ssh and rsync: argument lists (never a local shell), the remote command line, and
 * ssh's failures turned into messages that say what to check.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { DeployError } from './errors.ts';
import { destination, type DeployOptions } from './options.ts';
import { checkNotStopped, track } from './signals.ts';

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to the process's stdin, which is then closed. */
  input?: string;
  /** Each complete stdout line as it arrives (rsync's itemized list). */
  onLine?: (line: string) => void;
  /** Told about the child once it runs. */
  onSpawn?: (child: ChildProcess) => void;
  /** Leave stdin open after `input` (the caller ends it: the board's lock is held until then). */
  holdStdin?: boolean;
}

export function runProcess(command: string, args: string[], options: RunOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    checkNotStopped();
    // Its own process group, so that a forwarded signal stops rsync together with the ssh it runs.
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    track(child);
    options.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (!options.onLine) return;
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const line of lines) options.onLine(line);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') reject(new DeployError(`${command} is not installed on this computer`, `install it (Debian: apt-get install ${command === 'ssh' ? 'openssh-client' : command})`));
      else reject(error);
    });
    child.on('close', (code, signal) => {
      if (partial && options.onLine) options.onLine(partial);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.on('error', () => {}); // the remote may exit before reading all of its input
    if (options.holdStdin) child.stdin.write(options.input ?? '');
    else child.stdin.end(options.input ?? '');
  });
}

/** ssh's options: batch mode, so a missing key fails at once instead of asking for a password. */
export function sshArgs(options: DeployOptions): string[] {
  const args = ['-p', String(options.port), '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=15', '-o', 'ServerAliveInterval=15'];
  if (options.key) args.push('-i', options.key, '-o', 'IdentitiesOnly=yes');
  for (const option of options.sshOptions) args.push('-o', option);
  return args;
}

/** The -e value for rsync: it splits on spaces and honours quotes (no backslashes). */
export function rsyncShell(options: DeployOptions): string {
  return ['ssh', ...sshArgs(options)]
    .map((arg) => {
      if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
      if (!arg.includes("'")) return `'${arg}'`;
      if (!arg.includes('"')) return `"${arg}"`;
      throw new DeployError(`cannot pass ${arg} to rsync's ssh: it holds both kinds of quotes`);
    })
    .join(' ');
}

/** Quote a word for the remote POSIX shell. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Run a POSIX sh script on the board, fed on stdin, with arguments. */
export function runRemote(options: DeployOptions, script: string, args: string[]): Promise<ProcessResult> {
  const command = ['sh', '-s', '--', ...args].map(shellQuote).join(' ');
  return runProcess('ssh', [...sshArgs(options), destination(options), command], { input: script });
}

/** A DeployError for ssh's own failures (exit 255), or undefined if ssh got through. */
export function sshFailure(result: ProcessResult, options: DeployOptions): DeployError | undefined {
  const text = result.stderr;
  const where = `${destination(options)} port ${options.port}`;
  const said = lastLine(text);
  if (/Permission denied|Too many authentication failures|no mutual signature/i.test(text)) {
    return new DeployError(
      `the board refused the ssh login as ${where} (${said})`,
      options.key ? `check that ${options.key} is the key whose .pub is in the board's authorized_keys, and the user (deploy.user)` : 'set deploy.key (or --key) to a key the board accepts, and check deploy.user',
    );
  }
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/i.test(text)) {
    return new DeployError(`ssh does not trust the board's host key (${where})`, `ssh -p ${options.port} ${destination(options)} once by hand to check and accept it`);
  }
  if (/Connection refused|Connection timed out|timed out|No route to host|Network is unreachable|Could not resolve hostname|Name or service not known|Temporary failure in name resolution|Connection closed by|Connection reset/i.test(text)) {
    return new DeployError(`cannot reach the board at ${where} (${said})`, 'is the board on and online? check deploy.host and deploy.port (or --host, --port)');
  }
  if (result.code === 255) return new DeployError(`ssh to ${where} failed: ${said || 'exit 255'}`);
  return undefined;
}

export function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.at(-1) ?? '';
}
