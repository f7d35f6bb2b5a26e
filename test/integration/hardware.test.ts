/**
 * The hardware side as a technician meets it, on the built CLI and a running daemon:
 * `codance decode`, `codance scan --replay`, `codance devices`, and the daemon running the
 * demo venue with a simulated haptic controller, an E4 folder replay and a recording replay,
 * recording what its drivers see, all read through /api/v1/devices/health.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRecording } from '../../drivers/replay/recording.js';
import { buildRecording, H10, toJsonl } from '../helpers/ble-recording.js';
import { dataFile, hasData, noDataReason, readJsonl } from '../helpers/data.js';
import { freePort, ROOT, startDaemon, tempDir, waitForHealth, type DaemonProcess } from '../helpers/daemon-process.js';
import { runCli } from '../helpers/run-cli.js';
import { waitFor } from '../helpers/wait.js';

const skipped = hasData ? '' : ` (skipped: ${noDataReason})`;

describe(`codance decode${skipped}`, () => {
  it.skipIf(!hasData)(
    'decodes every HRM vector the way the parser tests expect, and exits 2 with the reason on the invalid ones',
    () => {
      for (const v of readJsonl<{ hex: string; valid: boolean; expect: { hr?: number; rr_1024?: number[] | null } }>(
        'ble',
        'hrm_2a37_vectors.jsonl',
      )) {
        const r = runCli(['decode', 'hrm', v.hex]);
        if (!v.valid) {
          expect(r.code, v.hex).toBe(2);
          expect(r.stderr).toMatch(/^codance decode hrm: invalid Heart Rate Measurement: /);
          continue;
        }
        expect(r.code, r.stderr).toBe(0);
        const out = JSON.parse(r.stdout) as {
          hr: number;
          contact: boolean | null;
          energyKj: number | null;
          rr1024: number[];
        };
        expect(Object.keys(out)).toEqual(expect.arrayContaining(['hr', 'contact', 'energyKj', 'rr1024']));
        if (v.expect.hr !== undefined) expect(out.hr).toBe(v.expect.hr);
        if (v.expect.rr_1024 !== undefined) expect(out.rr1024).toEqual(v.expect.rr_1024 ?? []);
      }
    },
  );

  it.skipIf(!hasData)('decodes PMD frames, applying --factor to compressed accelerometer data', () => {
    const pmd = readJsonl<{ hex: string; test: string; expect: { factor?: number; mG_first?: number[] } }>(
      'ble',
      'polar_pmd_vectors.jsonl',
    );
    const compressed = pmd.find((v) => v.expect.factor !== undefined)!;
    const r = runCli(['decode', 'pmd', compressed.hex, '--factor', String(compressed.expect.factor)]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { type: string; timestampNs: number; samples: number[][] };
    expect(out.type).toBe('acc');
    expect(out.timestampNs).toBe(2_000_000_000);
    expect(out.samples[0]).toEqual(compressed.expect.mG_first);
    // A real PMD timestamp (ns since 2000) exceeds 2^53: printed exactly.
    const big = runCli(['decode', 'pmd', '00' + 'ffffffffffffff7f' + '00' + '010000']);
    expect(big.stdout).toContain('"timestampNs":9223372036854775807');
    expect(runCli(['decode', 'pmd', compressed.hex, '--factor', 'abc'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--factor: "abc" is not a positive number') as unknown,
    });
    expect(runCli(['decode', 'pmd', '0200'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('too short') as unknown,
    });
    expect(runCli(['decode', 'ppg', '00'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown payload kind "ppg"') as unknown,
    });
  });
});

describe(`codance scan and devices${skipped}`, () => {
  it.skipIf(!hasData)(
    'scan lists the wearables of a recording with RSSI, services, and whether the allowlist admits them',
    () => {
      const dir = tempDir();
      const file = join(dir, 'session.jsonl');
      writeFileSync(file, toJsonl(buildRecording().recording));
      const r = runCli(['scan', '--replay', file, '--seconds', '0.3', '--json'], {
        CODANCE_BLE__ALLOWLIST: JSON.stringify([{ name: 'Polar H10' }]),
      });
      expect(r.code, r.stderr).toBe(0);
      const rows = JSON.parse(r.stdout) as {
        address: string;
        name: string;
        rssi: number;
        services: string[];
        allowed: boolean;
      }[];
      expect(rows.map((x) => x.rssi)).toEqual([-58, -64, -80]);
      expect(rows[0]).toMatchObject({
        address: H10.id,
        name: H10.name,
        services: ['heart rate', 'polar pmd'],
        allowed: true,
      });
      expect(rows[1]!.allowed).toBe(false);
      const table = runCli(['scan', '--replay', file, '--seconds', '0.3']);
      expect(table.stdout).toContain('no (not in ble.allowlist)');
      expect(runCli(['scan', '--seconds', 'soon']).code).toBe(2);
    },
  );
});

describe(`the daemon with wearables, replays and haptics${skipped}`, () => {
  let daemon: DaemonProcess | undefined;
  afterAll(async () => {
    daemon?.child.kill('SIGTERM');
    await daemon?.exited;
  });

  it.skipIf(!hasData)(
    'serves device health and haptic pulses over HTTP, replays an E4 folder and a recording, and records',
    async () => {
      const dir = tempDir();
      const recordingIn = join(dir, 'in.jsonl');
      writeFileSync(recordingIn, toJsonl(buildRecording().recording));
      const recordingOut = join(dir, 'out.jsonl');
      const config = join(dir, 'box.yaml');
      writeFileSync(
        config,
        [
          readFileSync(join(ROOT, 'config/demo.yaml'), 'utf8'),
          `store:\n  path: ${join(dir, 'box.db')}`,
          `recording:\n  path: ${recordingOut}`,
          `replay:\n  sources:\n    - {format: e4, path: ${dataFile('physio', 'flirt', 'empatica')}, speed: 200, deviceKey: e4-flirt}\n    - {format: codance, path: ${recordingIn}, speed: 50}\n    - {format: codance, path: ${join(dir, 'missing.jsonl')}}`,
          'ble:\n  pmd:\n    acc: {sampleRate: 52}\n  reconnect: {initialMs: 20, maxMs: 200}',
        ].join('\n'),
      );
      const env = { CODANCE_CONFIG: config };
      expect(
        runCli(
          [
            'users',
            'create',
            '--role',
            'technician',
            '--username',
            'tech',
            '--email',
            'tech@venue.example',
            '--password-stdin',
          ],
          env,
          undefined,
          'night shift pw\n',
        ).code,
      ).toBe(0);
      const port = await freePort();
      daemon = startDaemon({ port, env });
      await waitForHealth(port);
      const base = `http://127.0.0.1:${port}`;
      const login = await fetch(`${base}/api/v1/users/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'tech', password: 'night shift pw' }),
      });
      const { access_token: token } = (await login.json()) as { access_token: string };
      const auth = { authorization: `Bearer ${token}` };
      type Health = {
        devices: { id: string; state: string; last_sample_age_ms: number | null; errors: Record<string, number> }[];
        subsystems: { id: string; state: string; detail: string | null }[];
      };
      const health = async (): Promise<Health> =>
        (await (await fetch(`${base}/api/v1/devices/health`, { headers: auth })).json()) as Health;
      const h = await waitFor(
        async () => {
          const x = await health();
          return x.devices.find((d) => d.id === H10.id)?.state === 'connected' &&
            x.devices.find((d) => d.id === 'haptic:floor')?.state === 'connected'
            ? x
            : undefined;
        },
        'replayed H10 and simulated haptic controller connected',
        10_000,
      );
      expect(h.devices.filter((d) => d.id.startsWith('sim-band-')).length).toBe(24);
      expect(h.devices.find((d) => d.id === 'e4-flirt')).toBeDefined();
      expect(h.subsystems.find((s) => s.id.includes('missing.jsonl'))).toMatchObject({ state: 'error' });
      const pulse = await fetch(`${base}/api/v1/devices/haptics/floor/pulse`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ channel: 5, pattern: 'double' }),
      });
      expect(pulse.status).toBe(200);
      expect(await pulse.json()).toMatchObject({ ok: true, attempts: 1 });
      const devices = runCli(['devices', '--json'], { ...env, CODANCE_HTTP__PORT: String(port) });
      expect(devices.code, devices.stderr).toBe(0);
      const listed = JSON.parse(devices.stdout) as {
        live: boolean;
        rows: { key: string; transport: string; state: string | null }[];
      };
      expect(listed.live).toBe(true);
      expect(listed.rows.find((r) => r.key === H10.id)).toMatchObject({ transport: 'replay', state: 'connected' });
      expect(listed.rows.find((r) => r.key === 'haptic:floor')).toMatchObject({ state: 'connected' });

      daemon.child.kill('SIGTERM');
      expect((await daemon.exited).code).toBe(0);
      daemon = undefined;
      const rec = parseRecording(readFileSync(recordingOut, 'utf8'));
      if (!rec.ok) throw new Error(rec.reason);
      expect(rec.value.events.some((e) => e.type === 'notify' && e.id === H10.id && e.char === '2a37')).toBe(true);
      expect(rec.value.events.some((e) => e.type === 'serial' && e.dir === 'out')).toBe(true);
      expect(rec.value.events.some((e) => e.type === 'serial' && e.dir === 'in')).toBe(true);
      const db = new BetterSqlite3(join(dir, 'box.db'), { readonly: true });
      const e4 = db
        .prepare(
          `SELECT COUNT(*) AS n FROM biometric_data b JOIN devices d ON d.id = b.device_id WHERE d.device_key = 'e4-flirt'`,
        )
        .get() as { n: number };
      db.close();
      expect(e4.n).toBeGreaterThan(100);
    },
  );
});
