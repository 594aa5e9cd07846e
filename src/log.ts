/**
 * Console output: colours only on a TTY and never with NO_COLOR (picocolors decides),
 * a redrawn progress bar on a TTY and a few plain lines otherwise.
 */
import pc from 'picocolors';
import { formatProblem } from './errors.ts';
import type { Logger, SourceLocation } from './types.ts';

export interface ConsoleLoggerOptions {
  stream?: NodeJS.WriteStream;
  root?: string;
  quiet?: boolean;
}

export interface CollectingLogger extends Logger {
  warnings: string[];
}

export function createLogger(options: ConsoleLoggerOptions = {}): CollectingLogger {
  const stream = options.stream ?? process.stderr;
  const tty = Boolean(stream.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  const colors = pc.createColors(tty);
  const warnings: string[] = [];
  const write = (line: string) => {
    if (!options.quiet) stream.write(line + '\n');
  };
  return {
    warnings,
    info(message) {
      write(message);
    },
    warn(message: string, where?: SourceLocation) {
      const text = formatProblem(message, where, undefined, options.root);
      warnings.push(text);
      write(`${colors.yellow('warning')} ${text}`);
    },
    progress(label, total) {
      let done = 0;
      let lastPlain = -1;
      const width = 24;
      const draw = () => {
        if (options.quiet || total === 0) return;
        if (tty) {
          const filled = Math.round((done / total) * width);
          stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
        } else {
          // Plain output: a line at 0 %, every quarter, and the end.
          const quarter = Math.floor((done / total) * 4);
          if (quarter !== lastPlain) {
            lastPlain = quarter;
            stream.write(`${label}: ${done}/${total}\n`);
          }
        }
      };
      draw();
      return {
        tick(n = 1) {
          done = Math.min(total, done + n);
          draw();
        },
        done() {
          done = total;
          if (tty && !options.quiet && total > 0) {
            draw();
            stream.write('\n');
          } else if (lastPlain !== 4) draw();
        },
      };
    },
  };
}

export function errorText(text: string, stream: NodeJS.WriteStream = process.stderr): string {
  const tty = Boolean(stream.isTTY) && !process.env.NO_COLOR;
  return pc.createColors(tty).red(text);
}
