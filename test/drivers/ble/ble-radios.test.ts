/**
 * The BLE driver over several radios, with recordings as the radios (fast and exact; the
 * real host stack is in test/integration/ble-radios): wearables are spread by free links,
 * never past a radio's limit; a radio going down loses only its own links, the others take
 * what they have room for, and everything returns with the radio.
 */
import { describe, expect, it } from 'vitest';
import { BleWearableDriver } from '../../../drivers/ble/ble-driver.js';
import { HealthRegistry } from '../../../drivers/health/registry.js';
import { ReplayBle } from '../../../drivers/replay/replay-ble.js';
import type { RecordingEvent } from '../../../drivers/replay/recording.js';
import { bleTestOptions, testRadio } from '../../helpers/ble-recording.js';
import { waitFor } from '../../helpers/wait.js';

const header = { format: 'codance-recording' as const, version: 1 as const, startedAt: 0 };
const ids = Array.from({ length: 12 }, (_, i) => `aa:00:00:00:00:${String(i + 1).padStart(2, '0')}`);
const adverts: RecordingEvent[] = ids.map((id, i) => ({
  t: i,
  type: 'advert',
  id,
  address: id,
  name: `Codance Band ${i}`,
  rssi: -50,
  services: [],
}));

/** A recording as a radio that can be pulled out and plugged back in. */
class PullableRadio extends ReplayBle {
  detail: string | undefined;
  retryInMs: number | undefined;
  async pull(): Promise<void> {
    await this.stopScanningAsync();
    this.state = 'poweredOff';
    this.detail = 'the UART closed';
    this.retryInMs = 500;
    this.emit('stateChange', 'poweredOff');
  }
  plug(): void {
    this.state = 'poweredOn';
    this.detail = undefined;
    this.retryInMs = undefined;
    this.emit('stateChange', 'poweredOn');
  }
}

describe('BLE driver over several radios', () => {
  it('spreads twelve wearables over two radios of 7; a pulled radio loses only its links, and they come back with it', async () => {
    const r1 = new PullableRadio({ header, events: adverts }, Infinity);
    const r2 = new PullableRadio({ header, events: adverts }, Infinity);
    const health = new HealthRegistry();
    const driver = new BleWearableDriver(bleTestOptions, { emit: () => undefined, announce: () => undefined, health }, [
      testRadio(r1, 7, 'r1'),
      testRadio(r2, 7, 'r2'),
    ]);
    const on = (radio: string) => [...driver.placement].filter(([, r]) => r === radio).map(([key]) => key);
    await driver.start(new AbortController().signal);
    await waitFor(() => driver.connectedCount === 12, 'all twelve connected');
    const first1 = on('r1');
    const first2 = on('r2');
    expect(first1.length + first2.length).toBe(12);
    expect(Math.max(first1.length, first2.length)).toBeLessThanOrEqual(7);
    expect(Math.min(first1.length, first2.length)).toBeGreaterThanOrEqual(5);
    expect(health.get('ble:r1')?.detail).toBe(`r1 radio: scanning; ${first1.length} of 7 links`);

    await r2.pull();
    expect(health.get('ble:r2')).toMatchObject({
      state: 'retrying',
      detail: 'r2 (r2 radio) is gone: the UART closed; trying again in 500 ms',
    });
    await waitFor(() => on('r1').length === 7, 'r1 filled to its limit');
    // r1 kept every link it had and took only what it had room for; the rest wait, saying why.
    expect(on('r1')).toEqual(expect.arrayContaining(first1));
    expect(on('r2')).toEqual([]);
    expect(driver.connectedCount).toBe(7);
    const waiting = ids.filter((id) => !on('r1').includes(id));
    await waitFor(
      () => waiting.every((id) => health.get(id)?.detail?.startsWith('waiting for a free connection slot')),
      'the other five waiting for a slot',
    );
    expect(health.get(waiting[0]!)?.detail).toBe('waiting for a free connection slot (at most 7 on r1, 7 on r2)');
    for (const id of first1) expect(health.get(id)?.reconnects ?? 0, id).toBe(0);

    r2.plug();
    await waitFor(() => driver.connectedCount === 12, 'all twelve back');
    expect(health.get('ble:r2')?.state).toBe('connected');
    expect(on('r2').length).toBe(5);
    await driver.stop();
    expect(health.get('ble:r1')?.state).toBe('stopped');
  });

  it('a radio that never comes up is unavailable with its reason, and the others carry on', async () => {
    const up = new ReplayBle({ header, events: adverts.slice(0, 2) }, Infinity);
    const never = new PullableRadio({ header, events: [] }, Infinity);
    never.state = 'starting';
    const health = new HealthRegistry();
    const driver = new BleWearableDriver(bleTestOptions, { emit: () => undefined, announce: () => undefined, health }, [
      testRadio(up, 7, 'up'),
      testRadio(never, 7, 'gone'),
    ]);
    await driver.start(new AbortController().signal);
    never.detail = 'no such UART /dev/ttyACM9: is the radio plugged in?';
    never.emit('stateChange', 'poweredOff');
    expect(health.get('ble:gone')).toMatchObject({
      state: 'unavailable',
      detail: 'no such UART /dev/ttyACM9: is the radio plugged in?',
    });
    await waitFor(() => driver.connectedCount === 2, 'the working radio connected both');
    await driver.stop();
  });
});
