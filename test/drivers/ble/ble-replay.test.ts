/**
 * Recorded notification bytes replayed through a noble-like binding into the real store:
 * devices drop mid-stream and resend after reconnecting; the store ends up with every sample
 * exactly once, invalid payloads are counted in health, and strangers are never connected.
 */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Store } from '../../../daemon/store/store.js';
import { BleWearableDriver } from '../../../drivers/ble/ble-driver.js';
import { HealthRegistry } from '../../../drivers/health/registry.js';
import { ReplayBle } from '../../../drivers/replay/replay-ble.js';
import type { DeviceInfo, Sample } from '../../../config/signals.js';
import { BAND, bleTestOptions, buildRecording, H10, STRANGER, testRadio } from '../../helpers/ble-recording.js';
import { hasData, noDataReason } from '../../helpers/data.js';
import { tempDir } from '../../helpers/daemon-process.js';
import { activeTimers, sleep, waitFor } from '../../helpers/wait.js';

interface ChunkRow {
  stream: string;
  first_index: number;
  sample_count: number;
  device_key: string;
}

function contiguous(rows: ChunkRow[]): { total: number; overlaps: number; gaps: number } {
  const sorted = [...rows].sort((a, b) => a.first_index - b.first_index);
  let next = 0;
  let overlaps = 0;
  let gaps = 0;
  for (const r of sorted) {
    if (r.first_index < next) overlaps++;
    if (r.first_index > next) gaps++;
    next = r.first_index + r.sample_count;
  }
  return { total: rows.reduce((a, r) => a + r.sample_count, 0), overlaps, gaps };
}

describe.skipIf(!hasData)(`BLE replay into the store${hasData ? '' : ` (skipped: ${noDataReason})`}`, () => {
  it('reconnects after each drop and stores every sample once', async () => {
    const timersBefore = activeTimers();
    const { recording, expected } = buildRecording();
    const path = join(tempDir(), 'codance.db');
    const store = new Store({ path, batchMs: 10, maxBatchRows: 1000, chunkMs: 1000 });
    await store.start();
    const health = new HealthRegistry();
    const adapter = new ReplayBle(recording, 20);
    const emitted: Sample[] = [];
    const announced: DeviceInfo[] = [];
    const driver = new BleWearableDriver(
      bleTestOptions,
      {
        emit: (s) => {
          emitted.push(s);
          store.write(s);
        },
        announce: (d) => {
          announced.push(d);
          store.registerDevice(d);
        },
        health,
      },
      [testRadio(adapter)],
    );
    await driver.start(new AbortController().signal);
    await adapter.finished([H10.id, BAND.id]);
    await waitFor(
      () => health.get(H10.id)?.state === 'connected' && health.get(BAND.id)?.state === 'connected',
      'both wearables connected at the end',
    );
    await sleep(30);
    await driver.stop();
    adapter.close();
    await store.stop();

    const h10 = health.get(H10.id)!;
    const band = health.get(BAND.id)!;
    expect(h10.errors).toMatchObject({ disconnected: 2, invalid_heart_rate: expected.hrRejected, duplicate: 2 });
    expect(band.errors).toMatchObject({ disconnected: 2, duplicate: 2 });
    expect(h10.batteryPercent).toBe(90);
    expect(h10.rssi).toBe(-58);
    expect(health.get(STRANGER.id)).toBeUndefined();
    expect(driver.seen.get(STRANGER.id)?.allowed).toBe(false);
    expect(adapter.peripherals.get(STRANGER.id)!.stats.connects).toBe(0);
    expect(adapter.peripherals.get(H10.id)!.stats.connects).toBe(3);
    expect(announced.findLast((d) => d.key === H10.id)?.model).toBe('Polar H10');
    expect(announced.findLast((d) => d.key === BAND.id)?.model).toBe('Codance open wristband');

    const db = new BetterSqlite3(path, { readonly: true });
    const device = (key: string): number =>
      (db.prepare('SELECT id FROM devices WHERE device_key = ?').get(key) as { id: number }).id;
    const hrRows = db
      .prepare(
        'SELECT stream_index FROM biometric_data WHERE device_id = ? AND heart_rate IS NOT NULL ORDER BY stream_index',
      )
      .all(device(H10.id)) as { stream_index: number }[];
    expect(hrRows.map((r) => r.stream_index)).toEqual(Array.from({ length: expected.hr }, (_, i) => i));
    const chunks = db
      .prepare(
        'SELECT c.stream, c.first_index, c.sample_count, d.device_key FROM stream_chunks c JOIN devices d ON d.id = c.device_id',
      )
      .all() as ChunkRow[];
    const of = (key: string, stream: string): ReturnType<typeof contiguous> =>
      contiguous(chunks.filter((c) => c.device_key === key && c.stream === stream));
    expect(of(H10.id, 'acc')).toEqual({ total: expected.accSamples, overlaps: 0, gaps: 0 });
    expect(of(H10.id, 'ecg')).toEqual({ total: expected.ecgSamples, overlaps: 0, gaps: 0 });
    expect(of(BAND.id, 'acc')).toEqual({ total: expected.bandAcc, overlaps: 0, gaps: 0 });
    const bandRows = (col: string): number[] =>
      (
        db
          .prepare(
            `SELECT stream_index FROM biometric_data WHERE device_id = ? AND ${col} IS NOT NULL ORDER BY stream_index`,
          )
          .all(device(BAND.id)) as { stream_index: number }[]
      ).map((r) => r.stream_index);
    expect(bandRows('gsr_us')).toEqual(Array.from({ length: expected.eda }, (_, i) => i));
    expect(bandRows('skin_temp_c')).toEqual(Array.from({ length: expected.temp }, (_, i) => i));
    const outbox = (
      db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE entity = 'biometric_data'").get() as { n: number }
    ).n;
    expect(outbox).toBe(expected.hr + expected.eda + expected.temp);
    db.close();
    expect(emitted.filter((s) => s.kind === 'battery')).toHaveLength(3);
    expect(activeTimers()).toBeLessThanOrEqual(timersBefore);
  });
});
