/** The unit, sysusers, tmpfiles and udev files as systemd's own tools read them. */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/daemon-process.js';

const unit = join(ROOT, 'systemd/codance.service');

describe('systemd files', () => {
  it('systemd-analyze verify prints nothing for codance.service', () => {
    const r = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout + r.stderr).toBe('');
  });

  it('has an exposure of 2.5 or less under systemd-analyze security --offline', () => {
    const out = execFileSync('systemd-analyze', ['security', '--offline=true', unit], { encoding: 'utf8' });
    const m = /Overall exposure level for codance\.service: (\d+\.\d+)/.exec(out);
    expect(m, out).not.toBeNull();
    expect(Number(m![1])).toBeLessThanOrEqual(2.5);
  });

  it('is Type=notify with a watchdog, restarts on failure, runs as its own user, starts the built CLI', () => {
    const text = readFileSync(unit, 'utf8');
    for (const line of [
      'Type=notify',
      'Restart=on-failure',
      'User=codance',
      'StateDirectory=codance',
      'ConfigurationDirectory=codance',
      'ExecStart=/usr/bin/node --max-semi-space-size=2 --single-threaded-gc /opt/codance/dist/daemon/cli/main.js daemon',
      'LimitNICE=-10',
      'LimitRTPRIO=10',
    ]) {
      expect(text).toContain(line);
    }
    expect(text).toMatch(/^WatchdogSec=\d+s$/m);
  });

  it('sysusers and tmpfiles create the user and directories in a scratch root', () => {
    const root = tempDir('codance-root-');
    mkdirSync(join(root, 'etc'), { recursive: true });
    mkdirSync(join(root, 'usr/lib/sysusers.d'), { recursive: true });
    mkdirSync(join(root, 'usr/lib/tmpfiles.d'), { recursive: true });
    writeFileSync(join(root, 'etc/group'), 'dialout:x:20:\n');
    cpSync(join(ROOT, 'systemd/codance.sysusers'), join(root, 'usr/lib/sysusers.d/codance.conf'));
    cpSync(join(ROOT, 'systemd/codance.tmpfiles'), join(root, 'usr/lib/tmpfiles.d/codance.conf'));
    execFileSync('systemd-sysusers', [`--root=${root}`], { stdio: 'pipe' });
    expect(readFileSync(join(root, 'etc/passwd'), 'utf8')).toMatch(
      /^codance:x:\d+:\d+:Codance venue daemon:\/var\/lib\/codance:/m,
    );
    expect(readFileSync(join(root, 'etc/group'), 'utf8')).toMatch(/^dialout:x:20:codance$/m);
    execFileSync('systemd-tmpfiles', [`--root=${root}`, '--create'], { stdio: 'pipe' });
    expect(statSync(join(root, 'var/lib/codance')).mode & 0o777).toBe(0o750);
    expect(statSync(join(root, 'etc/codance')).mode & 0o777).toBe(0o750);
  });

  it('udev rules are well-formed: every rule matches tty devices and grants dialout', () => {
    const rules = readFileSync(join(ROOT, 'systemd/99-codance-serial.rules'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'));
    expect(rules.length).toBeGreaterThan(3);
    for (const r of rules) {
      expect(r).toMatch(/^SUBSYSTEM=="tty", /);
      for (const pair of r.split(', ')) expect(pair).toMatch(/^[A-Z_]+(\{[a-zA-Z_]+\})?(==|\+=|=)"[^"]*"$/);
    }
  });
});
