/**
 * The board's install files agree with each other, with the README's commands and with the
 * deploy layout; the systemd units pass systemd's own checker.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { coreSchema } from '../src/config.ts';
import { requireTools } from '../test/support/tools.ts';

const here = dirname(fileURLToPath(import.meta.url));
const read = (name: string) => readFileSync(join(here, name), 'utf8');
const service = read('solar-stats.service');
const timer = read('solar-stats.timer');
const cron = read('solar-stats.cron');
const readme = read('README.md');
const script = read('solar-stats.sh');

/** Values of a key in a unit file (comments skipped). */
function unitValues(text: string, key: string): string[] {
  return text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .map((l) => new RegExp(`^${key}=(.*)$`).exec(l)?.[1])
    .filter((v): v is string => v !== undefined);
}

const [execStart] = unitValues(service, 'ExecStart');
const [binary, , outDir] = execStart.split(' ');
const cronLine = cron.split('\n').find((l) => /^[*\d]/.test(l))!;
const cronFields = cronLine.split(/\s+/);

describe('board install files', () => {
  it('run the same installed script, as the same user, into the folder deploys leave alone', () => {
    const defaultPath = coreSchema.parse({
      title: 't',
      url: 'https://example.org',
      author: { name: 'a' },
      license: { name: 'l', url: 'https://example.org/l' },
    }).deploy.path;
    expect(outDir).toBe(`${defaultPath}/api`);
    expect(execStart).toMatch(/ --out /);
    expect(unitValues(service, 'ReadWritePaths')).toEqual([outDir]);
    expect(unitValues(service, 'ConditionPathIsDirectory')).toEqual([outDir]);
    expect(script).toContain(`out=\${SOLAR_STATS_DIR:-${outDir}}`);

    // cron: every minute, the user, then the same command line.
    expect(cronFields.slice(0, 5)).toEqual(['*', '*', '*', '*', '*']);
    expect(cronFields[5]).toBe(unitValues(service, 'User')[0]);
    expect(cronFields.slice(6, 9).join(' ')).toBe(execStart);
    expect(unitValues(timer, 'OnCalendar')).toEqual(['*-*-* *:*:00']);
    expect(unitValues(timer, 'Unit')).toEqual(['solar-stats.service']);
  });

  it('are installed by the README’s commands to the paths they name', () => {
    expect(readme).toContain(`install -m 755 /tmp/solar-stats.sh ${binary}`);
    expect(readme).toContain('install -m 644 /tmp/solar-stats.service /tmp/solar-stats.timer /etc/systemd/system/');
    expect(readme).toContain('install -m 644 /tmp/solar-stats.cron /etc/cron.d/solar-stats');
    expect(readme).toContain(`useradd --system --no-create-home --shell /usr/sbin/nologin ${cronFields[5]}`);
    expect(readme).toContain(`-o ${cronFields[5]} -g ${cronFields[5]} -m 755 ${outDir}`);
    const copied = /scp (scripts\/\S+ )+board:\/tmp\//.exec(readme)![0].split(' ').filter((w) => w.startsWith('scripts/'));
    for (const file of ['solar-stats.sh', 'solar-stats.service', 'solar-stats.timer', 'solar-stats.cron']) {
      expect(copied).toContain(`scripts/${file}`);
      expect(existsSync(join(here, file))).toBe(true);
    }
    // A cron.d file name with a dot is silently ignored by Debian's cron.
    expect(/\/etc\/cron\.d\/(\S+)/.exec(readme)![1]).not.toContain('.');
  });

  const ok = requireTools('systemd-analyze');
  it.skipIf(!ok)('pass systemd-analyze verify', () => {
    const dir = mkdtempSync(join(tmpdir(), 'solar-units-'));
    try {
      // Point ExecStart at the script in the repository: systemd checks that it is executable.
      writeFileSync(join(dir, 'solar-stats.service'), service.replace(binary, join(here, 'solar-stats.sh')));
      writeFileSync(join(dir, 'solar-stats.timer'), timer);
      const r = spawnSync('systemd-analyze', ['verify', '--man=no', join(dir, 'solar-stats.service'), join(dir, 'solar-stats.timer')], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
