/**
 * systemd/install.sh as a technician runs it, into a scratch root (systemd-sysusers and
 * systemd-tmpfiles --root; the unit checked by systemd-analyze verify): what it installs, that
 * it never overwrites a configuration, that --dry-run changes nothing, and that uninstall keeps
 * the store unless told to purge it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/daemon-process.js';

const script = join(ROOT, 'systemd/install.sh');
const run = (...args: string[]) => {
  const r = spawnSync('bash', [script, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: r.status, out: r.stdout + r.stderr };
};
function scratchRoot(): string {
  const root = tempDir('codance-install-');
  mkdirSync(join(root, 'etc'));
  writeFileSync(join(root, 'etc/group'), 'dialout:x:20:\n');
  return root;
}

describe('systemd/install.sh', () => {
  it('installs the user, directories, udev rules, unit and configuration into a root, and verifies the unit', () => {
    const root = scratchRoot();
    const r = run('install', '--root', root, '--skip-build');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/^install\.sh: node \d+\.\d+\.\d+, npm \d+\.\d+\.\d+$/m);
    expect(r.out).toContain(`install.sh: unit verified: ${root}/etc/systemd/system/codance.service`);
    expect(r.out).toContain(`installed into ${root} (a scratch root: nothing started)`);
    const passwd = readFileSync(join(root, 'etc/passwd'), 'utf8');
    const uid = Number(/^codance:x:(\d+):(\d+):Codance venue daemon:\/var\/lib\/codance:/m.exec(passwd)?.[1]);
    const gid = Number(/^codance:x:\d+:(\d+):/m.exec(passwd)?.[1]);
    expect(uid).toBeGreaterThan(0);
    expect(readFileSync(join(root, 'etc/group'), 'utf8')).toMatch(/^dialout:x:20:codance$/m);
    const state = statSync(join(root, 'var/lib/codance'));
    expect([state.mode & 0o777, state.uid]).toEqual([0o750, uid]);
    const config = statSync(join(root, 'etc/codance/codance.yaml'));
    expect([config.mode & 0o777, config.uid, config.gid]).toEqual([0o640, 0, gid]);
    const unit = readFileSync(join(root, 'etc/systemd/system/codance.service'), 'utf8');
    expect(unit).toContain(
      `ExecStart=/usr/bin/node --max-semi-space-size=2 --single-threaded-gc ${ROOT}/dist/daemon/cli/main.js daemon --config /etc/codance/codance.yaml`,
    );
    expect(unit).not.toContain('/opt/codance/');
    for (const f of [
      'etc/udev/rules.d/99-codance-serial.rules',
      'usr/lib/sysusers.d/codance.conf',
      'usr/lib/tmpfiles.d/codance.conf',
    ])
      expect(existsSync(join(root, f)), f).toBe(true);
    // The unit as installed is one systemd accepts.
    const verify = spawnSync('systemd-analyze', ['verify', join(root, 'etc/systemd/system/codance.service')], {
      encoding: 'utf8',
    });
    expect(verify.stdout + verify.stderr).toBe('');

    // Again, over an edited configuration: kept as it is.
    writeFileSync(join(root, 'etc/codance/codance.yaml'), 'box: { name: edited }\n');
    const again = run('install', '--root', root, '--skip-build');
    expect(again.code, again.out).toBe(0);
    expect(again.out).toContain(`keeping the configuration at ${root}/etc/codance/codance.yaml`);
    expect(readFileSync(join(root, 'etc/codance/codance.yaml'), 'utf8')).toBe('box: { name: edited }\n');
  });

  it('with --dry-run prints every step and changes nothing', () => {
    const root = scratchRoot();
    const r = run('install', '--root', root, '--skip-build', '--dry-run');
    expect(r.code, r.out).toBe(0);
    for (const step of [
      '+ systemd-sysusers',
      '+ systemd-tmpfiles',
      '+ install the unit at',
      '+ systemd-analyze verify',
    ])
      expect(r.out).toContain(step);
    expect(readdirSync(join(root, 'etc'))).toEqual(['group']);
    expect(existsSync(join(root, 'var'))).toBe(false);
  });

  it('uninstalls keeping the store and configuration, or purging them when told', () => {
    const root = scratchRoot();
    expect(run('install', '--root', root, '--skip-build').code).toBe(0);
    writeFileSync(join(root, 'var/lib/codance/codance.db'), 'the store');
    const kept = run('uninstall', '--root', root, '--keep-data');
    expect(kept.code, kept.out).toBe(0);
    expect(existsSync(join(root, 'etc/systemd/system/codance.service'))).toBe(false);
    expect(existsSync(join(root, 'usr/lib/sysusers.d/codance.conf'))).toBe(false);
    expect(readFileSync(join(root, 'var/lib/codance/codance.db'), 'utf8')).toBe('the store');
    expect(existsSync(join(root, 'etc/codance/codance.yaml'))).toBe(true);
    // Not asked on a pipe: the safe answer (keep) unless --purge.
    expect(run('uninstall', '--root', root).out).toContain('kept the store');
    const purged = run('uninstall', '--root', root, '--purge');
    expect(purged.code, purged.out).toBe(0);
    expect(existsSync(join(root, 'var/lib/codance'))).toBe(false);
    expect(existsSync(join(root, 'etc/codance'))).toBe(false);
  });

  it('plans an upgrade as backup, new code, build, stop, migrate, start (dry run), and refuses unknown options', () => {
    const r = run('upgrade', '--dry-run', '--ref', 'HEAD');
    expect(r.code, r.out).toBe(0);
    const order = [
      '+ git -C',
      '+ npm ci',
      '+ systemctl stop codance',
      '+ codance db migrate',
      '+ systemctl start codance',
    ];
    const at = order.map((s) => r.out.indexOf(s));
    expect(
      at.every((i) => i >= 0),
      r.out,
    ).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(run('install', '--frobnicate')).toMatchObject({
      code: 2,
      out: expect.stringMatching(/unknown option --frobnicate/) as unknown,
    });
  });
});
