/**
 * Wearables through the real BLE host stack: the built `codance` drives an emulated controller
 * (Bumble) over HCI UART on a pty, exactly as it would an nRF52 or ESP32 dongle, through
 * @stoprocent/noble in a radio process. Behind that radio: a heart-rate strap, a Polar H10
 * with PMD (ACC and ECG), a Codance open wristband, a strap that drops the link every few
 * seconds, a stranger, and a wearable that never answers GATT discovery. The store is held to
 * exactly what each wearable sent; the session is recorded, and the recording replayed
 * through the driver stores the same rows.
 */
import BetterSqlite3 from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasBumble, noBumbleReason, sent, venueForTests } from '../helpers/bumble.js';
import { freePort, startDaemon, tempDir, waitForHealth } from '../helpers/daemon-process.js';
import { runCli } from '../helpers/run-cli.js';
import { waitFor } from '../helpers/wait.js';

const STRAP = 'Codance HR 01';
const H10 = 'Polar H10 7E3A1C2B';
const BAND = 'Codance Band 03';
const DROP = 'Codance Drop 04';
const STRANGER = 'Stranger 05';
const MUTE = 'Codance Mute 06';
const SESSION_MS = 12_000;

interface HrRow {
  stream_index: number;
  heart_rate: number;
  rr_1024: string;
  sensor_contact: number | null;
  energy_kj: number | null;
}
interface ChunkRow {
  stream: string;
  first_index: number;
  sample_count: number;
  channels: number;
  data: Buffer;
}

/** Every sample of one stream of one device, in index order, checking the chunks tile it with no gap or overlap. */
function samples(
  db: BetterSqlite3.Database,
  key: string,
  stream: string,
): { values: number[][]; gaps: number; overlaps: number } {
  const rows = db
    .prepare(
      `SELECT c.stream, c.first_index, c.sample_count, c.channels, c.data FROM stream_chunks c JOIN devices d ON d.id = c.device_id WHERE d.device_key = ? AND c.stream = ? ORDER BY c.first_index`,
    )
    .all(key, stream) as ChunkRow[];
  const values: number[][] = [];
  let next = 0;
  let gaps = 0;
  let overlaps = 0;
  for (const r of rows) {
    if (r.first_index > next) gaps++;
    if (r.first_index < next) overlaps++;
    next = r.first_index + r.sample_count;
    const f = new Float32Array(r.data.buffer.slice(r.data.byteOffset, r.data.byteOffset + r.data.byteLength));
    for (let i = 0; i < r.sample_count; i++) values.push([...f.subarray(i * r.channels, (i + 1) * r.channels)]);
  }
  return { values, gaps, overlaps };
}

function hrRows(db: BetterSqlite3.Database, key: string): HrRow[] {
  return db
    .prepare(
      `SELECT b.stream_index, b.heart_rate, b.rr_1024, b.sensor_contact, b.energy_kj FROM biometric_data b JOIN devices d ON d.id = b.device_id WHERE d.device_key = ? AND b.heart_rate IS NOT NULL ORDER BY b.stream_index`,
    )
    .all(key) as HrRow[];
}

function valueRows(
  db: BetterSqlite3.Database,
  key: string,
  column: 'gsr_us' | 'skin_temp_c',
): { stream_index: number; v: number }[] {
  return db
    .prepare(
      `SELECT b.stream_index, b.${column} AS v FROM biometric_data b JOIN devices d ON d.id = b.device_id WHERE d.device_key = ? AND b.${column} IS NOT NULL ORDER BY b.stream_index`,
    )
    .all(key) as { stream_index: number; v: number }[];
}

const near = (a: number, b: number, eps = 1e-4): boolean => Math.abs(a - b) <= eps;

describe.skipIf(!hasBumble)(
  `wearables through the real BLE host stack${hasBumble ? '' : ` (skipped: ${noBumbleReason})`}`,
  () => {
    const { venue, held } = venueForTests(
      ['radio1'],
      [
        { kind: 'hr', name: STRAP, rssi: -48, battery: 77 },
        { kind: 'polar', name: H10, rssi: -52, battery: 91 },
        { kind: 'band', name: BAND, rssi: -57, battery: 64 },
        { kind: 'drop', name: DROP, rssi: -61, dropEveryS: 3 },
        { kind: 'hr', name: STRANGER, rssi: -75 },
        { kind: 'mute', name: MUTE, rssi: -66 },
      ],
    );
    const dir = tempDir();
    const db = join(dir, 'box.db');
    const recording = join(dir, 'session.jsonl');
    const allowlist = '[{name: "Codance"}, {name: "Polar H10"}]';

    it('codance scan lists every wearable in range with its RSSI and services, and which the allowlist admits', () => {
      const env = {
        CODANCE_BLE__ADAPTERS: `[{name: radio1, transport: uart, path: ${venue.pty('radio1')}}]`,
        CODANCE_BLE__ALLOWLIST: allowlist,
      };
      const r = runCli(['scan', '--seconds', '2', '--json'], env);
      expect(r.code, r.stderr).toBe(0);
      const rows = JSON.parse(r.stdout) as {
        address: string;
        name: string;
        rssi: number;
        services: string[];
        allowed: boolean;
        radios: string[];
      }[];
      const row = (name: string) => rows.find((x) => x.name === name);
      expect(rows).toHaveLength(6);
      expect(row(STRAP)).toEqual({
        address: venue.address(STRAP),
        name: STRAP,
        rssi: -48,
        services: ['heart rate'],
        allowed: true,
        radios: ['radio1'],
      });
      expect(row(H10)).toMatchObject({ rssi: -52, services: ['heart rate'], allowed: true });
      expect(row(BAND)).toMatchObject({ rssi: -57, services: ['battery'], allowed: true });
      expect(row(STRANGER)).toMatchObject({ rssi: -75, allowed: false });
      expect(rows.map((x) => x.rssi)).toEqual([...rows.map((x) => x.rssi)].sort((a, b) => b - a));
      const table = runCli(['scan', '--seconds', '1'], env);
      expect(table.stdout).toMatch(/Stranger 05\s*│\s*-75 dBm\s*│\s*heart rate\s*│\s*no \(not in ble\.allowlist\)/);
    });

    it('the daemon connects the allowlisted wearables, reads battery and stores every sample exactly once, each row with its outbox entry', async () => {
      const config = join(dir, 'box.yaml');
      writeFileSync(
        config,
        [
          `store:\n  path: ${db}`,
          `recording:\n  path: ${recording}`,
          'ble:',
          '  enabled: true',
          `  allowlist: ${allowlist}`,
          `  adapters: [{name: radio1, transport: uart, path: ${venue.pty('radio1')}}]`,
          '  connectTimeoutMs: 3000',
          '  reconnect: {initialMs: 200, maxMs: 1000}',
          '  rssiEveryMs: 1000',
          '  pmd: {ecg: {enabled: true}}',
        ].join('\n'),
      );
      const env = { CODANCE_CONFIG: config };
      expect(
        runCli(
          ['users', 'create', '--admin', '--username', 'root', '--email', 'root@venue.example', '--password-stdin'],
          env,
          undefined,
          'venue admin pw\n',
        ).code,
      ).toBe(0);
      const port = await freePort();
      const started = venue.events.length;
      const daemon = (held.daemon = startDaemon({ port, env }));
      await waitForHealth(port);
      const base = `http://127.0.0.1:${port}`;
      const login = await fetch(`${base}/api/v1/users/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'root', password: 'venue admin pw' }),
      });
      const auth = { authorization: `Bearer ${((await login.json()) as { access_token: string }).access_token}` };
      type Health = {
        devices: {
          id: string;
          state: string;
          detail: string | null;
          battery_percent: number | null;
          rssi: number | null;
          reconnects: number;
          errors: Record<string, number>;
          last_error: string | null;
        }[];
        subsystems: { id: string; state: string; detail: string | null }[];
      };
      const health = async (): Promise<Health> =>
        (await (await fetch(`${base}/api/v1/devices/health`, { headers: auth })).json()) as Health;
      const device = (h: Health, name: string) => h.devices.find((d) => d.id === venue.address(name));

      const h = await waitFor(
        async () => {
          const x = await health();
          return [STRAP, H10, BAND].every((n) => device(x, n)?.state === 'connected') ? x : undefined;
        },
        'the strap, the H10 and the band connected',
        15_000,
      );
      expect(h.subsystems.find((s) => s.id === 'ble:radio1')).toMatchObject({
        state: 'connected',
        detail: expect.stringContaining(`${venue.pty('radio1')}: scanning`) as unknown,
      });
      expect(device(h, STRAP)).toMatchObject({
        battery_percent: 77,
        detail: 'BLE heart rate sensor via radio1: 2 characteristics',
      });
      expect(device(h, H10)).toMatchObject({ battery_percent: 91, detail: 'Polar H10 via radio1: 4 characteristics' });
      expect(device(h, BAND)).toMatchObject({
        battery_percent: 64,
        detail: 'Codance open wristband via radio1: 4 characteristics',
      });
      expect(device(h, STRANGER)).toBeUndefined();

      // "Done when": the H10's heart rate reaches the API, for an admin.
      const dev = (await (await fetch(`${base}/api/v1/biometrics/devices?limit=100`, { headers: auth })).json()) as {
        items: { id: number; device_key: string; model: string }[];
      };
      const h10 = dev.items.find((d) => d.device_key === venue.address(H10))!;
      expect(h10.model).toBe('Polar H10');
      const hr = await waitFor(
        async () => {
          const page = (await (
            await fetch(`${base}/api/v1/biometrics/data?device_id=${h10.id}&limit=100`, { headers: auth })
          ).json()) as { items: { heart_rate: number | null }[] };
          return page.items.filter((i) => i.heart_rate !== null).length >= 3 ? page : undefined;
        },
        'three H10 heart-rate rows in the API',
        10_000,
      );
      expect(
        hr.items.filter((i) => i.heart_rate !== null).every((i) => i.heart_rate! >= 60 && i.heart_rate! < 160),
      ).toBe(true);

      await new Promise((r) => setTimeout(r, SESSION_MS));
      const late = await health();
      expect(late.devices.filter((d) => d.rssi !== null).length).toBeGreaterThanOrEqual(4);
      expect(device(late, STRAP)!.rssi).toBe(-46); // the radio's read RSSI of the link (advert -48, link +2 in the venue)
      // The dropping strap came back each time; the silent one timed out in discovery and was tried again.
      expect(device(late, DROP)!.reconnects).toBeGreaterThanOrEqual(2);
      expect(device(late, MUTE)!.errors.connect_failed).toBeGreaterThanOrEqual(2);
      expect(device(late, MUTE)!.last_error).toBe('via radio1: service discovery timed out after 3000 ms');

      // The wearables fall silent first, so no notification is in flight when the daemon stops.
      venue.command({ cmd: 'hush' });
      await new Promise((r) => setTimeout(r, 1500));
      daemon.child.kill('SIGTERM');
      expect((await daemon.exited).code).toBe(0);
      held.daemon = undefined;
      venue.command({ cmd: 'speak' });
      const session = venue.events.slice(started);

      // The silent wearable never held the others up: each of them was streaming before its first discovery timed out.
      const muteGaveUp = session.find((e) => e.dev === MUTE && e.event === 'disconnected')!.t;
      for (const name of [STRAP, H10, BAND, DROP])
        expect(session.find((e) => e.dev === name && e.event === 'sent')!.t, name).toBeLessThan(muteGaveUp);
      expect(session.filter((e) => e.dev === MUTE && e.event === 'connected').length).toBeGreaterThanOrEqual(2);
      expect(session.filter((e) => e.dev === STRANGER && e.event === 'connected')).toHaveLength(0);
      expect(session.filter((e) => e.dev === DROP && e.event === 'dropping').length).toBeGreaterThanOrEqual(2);

      const store = new BetterSqlite3(db, { readonly: true });
      try {
        // Heart rate with RR, contact and energy: one row per notification sent, in order, indices contiguous.
        for (const name of [STRAP, H10, DROP]) {
          const sentHr = venue.sentOn(name, '2a37').filter((e) => e.t >= session[0]!.t);
          const rows = hrRows(store, venue.address(name));
          expect(rows.length, name).toBe(sentHr.length);
          expect(
            rows.map((r) => r.stream_index),
            name,
          ).toEqual(rows.map((_, i) => i));
          expect(
            rows.map((r) => [r.heart_rate, JSON.parse(r.rr_1024) as number[]]),
            name,
          ).toEqual(sentHr.map((e) => [e.hr, e.rr]));
          expect(
            rows.every((r) => r.sensor_contact === 1 && r.energy_kj !== null),
            name,
          ).toBe(true);
        }
        // PMD ACC (mG → g) and ECG (µV), and the band's IMU (±8 g counts → g): every sample once, in order.
        const check = (name: string, stream: string, sentStream: string, expected: (i: number) => number[]) => {
          const total = venue.sentOn(name, sentStream).reduce((a, e) => a + e.count!, 0);
          const s = samples(store, venue.address(name), stream);
          expect(s.gaps + s.overlaps, `${name} ${stream}`).toBe(0);
          expect(s.values.length, `${name} ${stream}`).toBe(total);
          const wrong = s.values.findIndex((v, i) => !expected(i).every((x, c) => near(v[c]!, x)));
          expect(wrong, `${name} ${stream}: first wrong sample`).toBe(-1);
          return total;
        };
        expect(check(H10, 'acc', 'acc', (i) => sent.accMg(i).map((v) => v / 1000))).toBeGreaterThan(400);
        expect(check(H10, 'ecg', 'ecg', (i) => [sent.ecgUv(i)])).toBeGreaterThan(1000);
        expect(check(BAND, 'acc', 'imu', (i) => sent.imuRaw(i).map((v) => (v * 8) / 32768))).toBeGreaterThan(400);
        // EDA (nS → µS) and skin temperature (0.01 °C) rows.
        const eda = valueRows(store, venue.address(BAND), 'gsr_us');
        const temp = valueRows(store, venue.address(BAND), 'skin_temp_c');
        expect(eda.length).toBe(venue.sentOn(BAND, 'eda').reduce((a, e) => a + e.count!, 0));
        expect(temp.length).toBe(venue.sentOn(BAND, 'temp').reduce((a, e) => a + e.count!, 0));
        expect(eda.every((r, i) => r.stream_index === i && near(r.v, sent.edaNs(i) / 1000))).toBe(true);
        expect(temp.every((r, i) => r.stream_index === i && near(r.v, sent.tempCenti(i) / 100))).toBe(true);
        // Nothing of the stranger or the silent wearable, and every stored row has exactly one outbox entry.
        for (const name of [STRANGER, MUTE]) expect(hrRows(store, venue.address(name)), name).toHaveLength(0);
        for (const table of ['biometric_data', 'stream_chunks']) {
          const missing = store
            .prepare(
              `SELECT COUNT(*) AS n FROM ${table} t WHERE (SELECT COUNT(*) FROM outbox o WHERE o.entity = '${table}' AND o.entity_id = t.id) <> 1`,
            )
            .get() as { n: number };
          const rows = store.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number };
          expect(rows.n, table).toBeGreaterThan(20);
          expect(missing.n, `${table} rows without exactly one outbox entry`).toBe(0);
        }
      } finally {
        store.close();
      }
    }, 90_000);

    it('the recorded session, replayed through the driver, stores the same rows as the live run', async () => {
      const text = readFileSync(recording, 'utf8');
      expect(text).toContain('"type":"notify"');
      const replayDb = join(dir, 'replay.db');
      const config = join(dir, 'replay.yaml');
      writeFileSync(
        config,
        [
          `store:\n  path: ${replayDb}`,
          `replay:\n  sources:\n    - {format: codance, path: ${recording}, speed: 4}`,
          'ble:\n  reconnect: {initialMs: 20, maxMs: 200}\n  pmd: {ecg: {enabled: true}}',
        ].join('\n'),
      );
      const port = await freePort();
      const daemon = (held.daemon = startDaemon({ port, env: { CODANCE_CONFIG: config } }));
      await waitForHealth(port);
      const live = new BetterSqlite3(db, { readonly: true });
      const expected = (d: BetterSqlite3.Database) => ({
        hr: [STRAP, H10, DROP].map((n) => hrRows(d, venue.address(n))),
        acc: samples(d, venue.address(H10), 'acc').values,
        ecg: samples(d, venue.address(H10), 'ecg').values,
        imu: samples(d, venue.address(BAND), 'acc').values,
        eda: valueRows(d, venue.address(BAND), 'gsr_us'),
        temp: valueRows(d, venue.address(BAND), 'skin_temp_c'),
      });
      const want = expected(live);
      live.close();
      // The replay has played out once the last wearable's last heart rate is in.
      await waitFor(
        () => {
          const r = new BetterSqlite3(replayDb, { readonly: true });
          try {
            return [STRAP, H10, DROP].every((n, i) => hrRows(r, venue.address(n)).length >= want.hr[i]!.length);
          } finally {
            r.close();
          }
        },
        'the replay to store every heart rate',
        20_000,
      );
      daemon.child.kill('SIGTERM');
      expect((await daemon.exited).code).toBe(0);
      held.daemon = undefined;
      const replayed = new BetterSqlite3(replayDb, { readonly: true });
      try {
        expect(expected(replayed)).toEqual(want);
        const transports = replayed.prepare(`SELECT DISTINCT transport FROM devices WHERE kind = 'wearable'`).all() as {
          transport: string;
        }[];
        expect(transports).toEqual([{ transport: 'replay' }]);
      } finally {
        replayed.close();
      }
    }, 60_000);
  },
);
