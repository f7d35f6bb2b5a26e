/** The `codance` command as a technician runs it. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { freePort, ROOT, sleep, startDaemon, tempDir, waitForHealth } from '../helpers/daemon-process.js';
import { runCli, runCliAsync } from '../helpers/run-cli.js';
import { SerialPort } from 'serialport';
import { SocatPair } from '../helpers/socat.js';

describe('codance CLI', () => {
  it('--help lists every command', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['daemon', 'config', 'doctor', 'db']) expect(r.stdout).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
    const db = runCli(['db', '--help']);
    expect(db.stdout).toMatch(/migrate/);
    expect(db.stdout).toMatch(/backup/);
    expect(runCli(['config', '--help']).stdout).toMatch(/check/);
  });

  it('config check: exit 0 for a valid file, 2 for an invalid one with `path: what is wrong` per problem', () => {
    expect(runCli(['config', 'check', join(ROOT, 'config/demo.yaml')])).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/valid/) as unknown,
    });
    const bad = join(tempDir(), 'bad.yaml');
    writeFileSync(bad, 'http:\n  port: -1\nsimulation:\n  dancers: many\nstore:\n  pth: x\n');
    const r = runCli(['config', 'check', bad]);
    expect(r.code).toBe(2);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^http\.port: .*>=1.* \(bad\.yaml line 2\)$/),
      expect.stringMatching(/^simulation\.dancers: .*expected number.* \(bad\.yaml line 4\)$/),
      'store.pth: unknown key (bad.yaml line 6)',
    ]);
  });

  it('config check --env also weighs the environment; config print redacts secrets', () => {
    const r = runCli(['config', 'check', '--env', join(ROOT, 'config/demo.yaml')], { CODANCE_HTTP__PORT: '0' });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^http\.port: .* \(env CODANCE_HTTP__PORT\)$/m);
    const secret = 's3cret-'.repeat(6);
    const p = runCli(['config', 'print'], { CODANCE_AUTH__JWT_SECRET: secret });
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(/jwtSecret: "?\[redacted\]"?/);
    expect(p.stdout).not.toContain(secret);
  });

  it('doctor prints a table with a row per check and exits 0 when only warnings', () => {
    const r = runCli(['doctor'], { CODANCE_STORE__PATH: join(tempDir(), 'c.db') });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const check of [
      'configuration',
      'node version',
      'store writable',
      'free disk',
      'ffmpeg',
      'onnxruntime',
      'bluetooth binding',
      'bluetooth adapter',
      'serial ports',
      'ALSA MIDI',
      'cloud sync',
      'clock sync',
    ]) {
      expect(r.stdout).toContain(check);
    }
    expect(r.stdout).toMatch(/onnxruntime\s.*ok/);
    // The binding is built (npm ci), distinct from the radio, which this machine does not have.
    expect(r.stdout).toMatch(/bluetooth binding\s.*ok\s.*@stoprocent\/noble \d+\.\d+\.\d+: HCI socket and/);
    expect(r.stdout).toMatch(/bluetooth adapter\s.*WARN.*no HCI adapter/);
    const ble = runCli(['doctor'], {
      CODANCE_STORE__PATH: join(tempDir(), 'c.db'),
      CODANCE_BLE__ENABLED: 'true',
      CODANCE_BLE__ADAPTERS: '[{name: radio1, transport: uart, path: /dev/ttyNOPE0}]',
    });
    expect(ble.code).toBe(0);
    expect(ble.stdout).toMatch(/bluetooth adapter\s.*WARN.*missing radio1: \/dev\/ttyNOPE0/);
    expect(r.stdout).toMatch(/cloud sync\s.*WARN.*not enrolled/);
  });

  it('scan on a machine with no radio says so plainly, naming what to do, never a missing module', () => {
    const r = runCli(['scan', '--seconds', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^codance: radio hci0: no Bluetooth adapter hci0 on this machine: plug one in/);
    expect(r.stderr).not.toMatch(/Cannot find module|bluetooth_hci_socket\.node|\n\s+at /);
    const uart = runCli(['scan', '--seconds', '1'], {
      CODANCE_BLE__ADAPTERS: '[{name: radio1, transport: uart, path: /dev/ttyNOPE0}]',
    });
    expect(uart.code).toBe(1);
    expect(uart.stderr).toMatch(
      /^codance: radio radio1 \(\/dev\/ttyNOPE0\): no such UART \/dev\/ttyNOPE0: is the radio plugged in\?/,
    );
  });

  it('scan on a radio another program holds says so at once, instead of waiting for a controller', async () => {
    const tty = new SocatPair();
    await tty.start();
    const holder = new SerialPort({ path: tty.a, baudRate: 1_000_000, lock: true, autoOpen: false });
    await new Promise<void>((resolve, reject) => holder.open((err) => (err ? reject(err) : resolve())));
    try {
      // Async: this process holds the port, and must keep its event loop free while the CLI runs.
      const r = await runCliAsync(['scan', '--seconds', '1'], '', {
        CODANCE_BLE__ADAPTERS: `[{name: radio1, transport: uart, path: ${tty.a}}]`,
      });
      expect(r.code).toBe(1);
      expect(r.out).toContain(`radio radio1 (${tty.a}): cannot open ${tty.a} (`);
      expect(r.out).toContain('another program is using it (the daemon, or a scan): stop it first');
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
      await tty.kill();
    }
  });

  it('doctor exits non-zero when the store cannot be written, saying what to do', () => {
    const r = runCli(['doctor'], { CODANCE_STORE__PATH: '/proc/codance/c.db' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/store writable\s.*FAIL/);
    expect(r.stdout).toMatch(/cannot start until the FAIL rows are fixed/);
  });

  it('db migrate applies, then reports up to date', () => {
    const env = { CODANCE_STORE__PATH: join(tempDir(), 'c.db') };
    expect(runCli(['db', 'migrate'], env).stdout).toMatch(/applied: 2026-11-22T00-00-00-initial/);
    expect(runCli(['db', 'migrate'], env).stdout).toMatch(/up to date/);
  });

  it('db backup makes a consistent copy while the daemon writes', async () => {
    const dir = tempDir();
    const db = join(dir, 'live.db');
    const port = await freePort();
    const d = startDaemon({ port, env: { CODANCE_STORE__PATH: db, CODANCE_SIMULATION__DANCERS: '24' } });
    await waitForHealth(port);
    await sleep(800);
    const out = join(dir, 'backup.db');
    const r = runCli(['db', 'backup', out], { CODANCE_STORE__PATH: db });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/integrity ok/);
    d.child.kill('SIGTERM');
    await d.exited;
    const b = new BetterSqlite3(out, { readonly: true });
    expect(b.pragma('integrity_check', { simple: true })).toBe('ok');
    const n = (b.prepare('SELECT count(*) AS n FROM biometric_data').get() as { n: number }).n;
    const o = (b.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
    const c = (b.prepare('SELECT count(*) AS n FROM stream_chunks').get() as { n: number }).n;
    const derived = (
      b.prepare('SELECT (SELECT count(*) FROM inferences) + (SELECT count(*) FROM crowd_states) AS n').get() as {
        n: number;
      }
    ).n;
    b.close();
    expect(n).toBeGreaterThan(0);
    expect(o).toBe(n + c + derived); // one snapshot: no row without its outbox entry
  });

  it('db backup of a store that does not exist fails with the path named', () => {
    const r = runCli(['db', 'backup', join(tempDir(), 'b.db')], { CODANCE_STORE__PATH: '/nonexistent/c.db' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot open the store at \/nonexistent\/c\.db/);
  });

  it('unknown commands are usage errors (exit 2)', () => {
    expect(runCli(['frobnicate']).code).toBe(2);
  });
});
