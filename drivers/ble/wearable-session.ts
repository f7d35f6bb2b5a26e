/**
 * One connection to one wearable: finds the services it has (Heart Rate, Battery, Polar PMD,
 * the Codance open wristband), subscribes, and turns each notification into samples. What a
 * device has sent is tracked in `WearableStreams`, which outlives the connection, so samples
 * resent after a reconnect are dropped and indices continue.
 */
import type { BleCharacteristic, BlePeripheral } from './binding.js';
import {
  BATTERY_LEVEL,
  BATTERY_SERVICE,
  HEART_RATE_MEASUREMENT,
  HEART_RATE_SERVICE,
  normalizeUuid,
} from './gatt-uuids.js';
import { encodeStart, encodeStop } from './pmd/control-point.js';
import { PMD_CONTROL_POINT, PMD_DATA, PMD_SERVICE } from './pmd/measurement.js';
import { WRISTBAND_EDA, WRISTBAND_IMU, WRISTBAND_SERVICE, WRISTBAND_TEMP } from './wristband-profile.js';

import type { WearableStreams } from './notifications.js';
import { Handlers, type SessionOptions } from './notifications.js';
export type { PmdStreamSettings, SessionOptions } from './notifications.js';
export { WearableStreams } from './notifications.js';

export interface OpenSession {
  model: string;
  characteristics: string[];
  /** Asks a Polar device to stop the PMD streams this session started (before a clean disconnect). */
  stopStreams(): Promise<void>;
  close(): void;
}

export const WANTED_SERVICES = [HEART_RATE_SERVICE, BATTERY_SERVICE, PMD_SERVICE, WRISTBAND_SERVICE];
export const WANTED_CHARACTERISTICS = [
  HEART_RATE_MEASUREMENT,
  BATTERY_LEVEL,
  PMD_CONTROL_POINT,
  PMD_DATA,
  WRISTBAND_IMU,
  WRISTBAND_EDA,
  WRISTBAND_TEMP,
];

export function modelOf(name: string | undefined, chars: Set<string>): string {
  if (name?.startsWith('Polar H10')) return 'Polar H10';
  if (name?.startsWith('Polar Sense') || name?.includes('Verity')) return 'Polar Verity Sense';
  if (chars.has(WRISTBAND_IMU) || chars.has(WRISTBAND_EDA)) return 'Codance open wristband';
  if (name?.startsWith('Polar')) return name.split(' ').slice(0, 2).join(' ');
  return 'BLE heart rate sensor';
}

export async function openSession(
  peripheral: BlePeripheral,
  streams: WearableStreams,
  o: SessionOptions,
): Promise<OpenSession> {
  const { characteristics } = await peripheral.discoverSomeServicesAndCharacteristicsAsync(
    WANTED_SERVICES,
    WANTED_CHARACTERISTICS,
  );
  const byUuid = new Map<string, BleCharacteristic>();
  for (const c of characteristics) byUuid.set(normalizeUuid(c.uuid), c);
  const handlers = new Handlers(streams, o);
  const attached: BleCharacteristic[] = [];

  const listen = async (uuid: string, handle: (bytes: Buffer) => void): Promise<void> => {
    const c = byUuid.get(uuid);
    if (!c) return;
    c.on('data', (data: Buffer) => {
      o.tap?.(uuid, data, 'notify');
      try {
        handle(data);
      } catch (err) {
        // A handler bug must cost one notification, never the connection or the daemon.
        o.health.countError(o.key, 'handler_error');
        o.health.report(o.key, { lastError: `handler failed on ${uuid}: ${(err as Error).message}` });
      }
    });
    attached.push(c);
    if (c.properties.includes('notify') || c.properties.includes('indicate')) await c.subscribeAsync();
  };

  await listen(HEART_RATE_MEASUREMENT, (b) => handlers.heartRate(b));
  await listen(BATTERY_LEVEL, (b) => handlers.battery(b));
  await listen(WRISTBAND_IMU, (b) => handlers.bandImu(b));
  await listen(WRISTBAND_EDA, (b) => handlers.bandValues(b, 'eda'));
  await listen(WRISTBAND_TEMP, (b) => handlers.bandValues(b, 'skin_temp'));
  await listen(PMD_CONTROL_POINT, (b) => handlers.controlPoint(b));
  await listen(PMD_DATA, (b) => handlers.pmd(b));

  const battery = byUuid.get(BATTERY_LEVEL);
  if (battery?.properties.includes('read')) {
    const value = await battery.readAsync();
    o.tap?.(BATTERY_LEVEL, value, 'read');
    handlers.battery(value);
  }
  const cp = byUuid.get(PMD_CONTROL_POINT);
  const started: ('acc' | 'ecg')[] = [];
  if (cp && byUuid.has(PMD_DATA)) {
    for (const type of ['acc', 'ecg'] as const) {
      const s = o.pmd[type];
      if (!s.enabled) continue;
      await cp.writeAsync(
        Buffer.from(encodeStart(type, { sampleRate: s.sampleRate, resolution: s.resolution, range: s.range })),
        false,
      );
      started.push(type);
    }
  }
  const found = new Set(byUuid.keys());
  return {
    model: modelOf(peripheral.advertisement.localName, found),
    characteristics: [...found],
    stopStreams: async () => {
      for (const type of started) await cp?.writeAsync(Buffer.from(encodeStop(type)), false);
    },
    close: () => {
      for (const c of attached) c.removeAllListeners('data');
    },
  };
}
