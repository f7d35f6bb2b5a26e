/** The BLE driver's behaviour around the data: PMD start/stop, the conversion factor, the connection limit, no radio. */
import { describe, expect, it } from 'vitest';
import { BleWearableDriver } from '../../../drivers/ble/ble-driver.js';
import { encodeStart, encodeStop } from '../../../drivers/ble/pmd/control-point.js';
import { PMD_CONTROL_POINT, PMD_DATA } from '../../../drivers/ble/pmd/measurement.js';
import { BleUnavailableError } from '../../../drivers/ble/binding.js';
import { HealthRegistry } from '../../../drivers/health/registry.js';
import { ReplayBle } from '../../../drivers/replay/replay-ble.js';
import type { RecordingEvent } from '../../../drivers/replay/recording.js';
import type { Sample } from '../../../config/signals.js';
import { hasData, noDataReason, readJsonl } from '../../helpers/data.js';
import { waitFor } from '../../helpers/wait.js';
import { bleTestOptions, testRadio } from '../../helpers/ble-recording.js';

const header = { format: 'codance-recording' as const, version: 1 as const, startedAt: 0 };

function run(events: RecordingEvent[], options: Partial<typeof bleTestOptions> = {}, maxConnected = 4) {
  const adapter = new ReplayBle({ header, events }, Infinity);
  const health = new HealthRegistry();
  const samples: Sample[] = [];
  const driver = new BleWearableDriver(
    { ...bleTestOptions, ...options },
    { emit: (s) => samples.push(s), announce: () => undefined, health },
    [testRadio(adapter, maxConnected)],
  );
  return { adapter, health, samples, driver };
}

describe('BLE driver', () => {
  it('sends the H10 start commands byte for byte (ACC 200 Hz 16-bit ±8 g; ECG 130 Hz 14-bit)', () => {
    expect(Buffer.from(encodeStart('acc', { sampleRate: 200, resolution: 16, range: 8 })).toString('hex')).toBe(
      '02020001c800010110000201' + '0800',
    );
    expect(Buffer.from(encodeStart('ecg', { sampleRate: 130, resolution: 14 })).toString('hex')).toBe(
      '02000001820001010e00',
    );
    expect(Buffer.from(encodeStop('acc')).toString('hex')).toBe('0302');
  });

  it.skipIf(!hasData)(
    `starts PMD streams, decodes compressed ACC with the factor from the start response, and stops them on stop${hasData ? '' : ` (skipped: ${noDataReason})`}`,
    async () => {
      const compressed = readJsonl<{ hex: string; header: { compressed: boolean }; expect: { mG_first: number[] } }>(
        'ble',
        'polar_pmd_vectors.jsonl',
      ).find((v) => v.header.compressed)!;
      const factor = Buffer.alloc(4);
      factor.writeFloatLE(0.000244);
      const id = 'a0:9e:1a:00:00:01';
      const { adapter, health, samples, driver } = run(
        [
          { t: 0, type: 'advert', id, address: id, name: 'Polar H10 00000001', rssi: -50, services: [] },
          { t: 1, type: 'notify', id, char: PMD_CONTROL_POINT, hex: `f0020200000501${factor.toString('hex')}` },
          { t: 2, type: 'notify', id, char: PMD_DATA, hex: compressed.hex.toLowerCase() },
        ],
        { allowlist: [{ name: 'Polar H10' }] },
      );
      await driver.start(new AbortController().signal);
      await adapter.finished([id]);
      await waitFor(() => samples.some((s) => s.kind === 'raw'), 'an ACC block');
      const block = samples.find((s) => s.kind === 'raw');
      if (block?.kind !== 'raw') throw new Error('no block');
      expect(block.values.length / 3).toBe(57);
      expect([...block.values.subarray(0, 3)].map((v) => Math.round(v * 1000))).toEqual(compressed.expect.mG_first);
      const cp = adapter.peripherals.get(id)!.characteristics.get(PMD_CONTROL_POINT)!;
      expect(cp.written.map((b) => b.toString('hex'))).toEqual([
        '020200013400010110000201' + '0800',
        '02000001820001010e00',
      ]);
      await driver.stop();
      expect(cp.written.slice(2).map((b) => b.toString('hex'))).toEqual(['0302', '0300']);
      expect(health.get(id)?.state).toBe('stopped');
    },
  );

  it('connects at most maxConnected wearables; the others wait, saying so', async () => {
    const ids = ['aa:00:00:00:00:01', 'aa:00:00:00:00:02'];
    const { health, driver } = run(
      ids.flatMap((id, i): RecordingEvent[] => [
        { t: i, type: 'advert', id, address: id, name: `Codance Band ${i}`, rssi: -60, services: [] },
        { t: 10 + i, type: 'notify', id, char: '2a37', hex: '0050' },
      ]),
      {},
      1,
    );
    await driver.start(new AbortController().signal);
    await waitFor(
      () =>
        driver.connectedCount === 1 &&
        ids.some((id) => health.get(id)?.detail?.includes('waiting for a free connection slot')),
      'one connected, one waiting',
    );
    expect(driver.connectedCount).toBe(1);
    await driver.stop();
  });

  it('reports BLE unavailable, without throwing, on a box with no radio', async () => {
    const health = new HealthRegistry();
    const driver = new BleWearableDriver(bleTestOptions, { emit: () => undefined, announce: () => undefined, health }, [
      testRadio(() => Promise.reject(new BleUnavailableError(new Error('EAFNOSUPPORT')))),
    ]);
    await driver.start(new AbortController().signal);
    expect(health.get('ble:test')).toMatchObject({
      state: 'unavailable',
      detail: expect.stringContaining('Bluetooth is not available on this machine (EAFNOSUPPORT)') as unknown,
    });
    await driver.stop();
  });
});
