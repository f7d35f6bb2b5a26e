/**
 * Builds recordings for BLE tests out of real bytes: the HRM and PMD vectors of shared/data/ble
 * (PMD frames re-stamped so a stream runs on in time), and open-wristband notifications
 * encoded as firmware would send them.
 */
import type { BleAdapter } from '../../drivers/ble/binding.js';
import type { BleOptions, BleRadio } from '../../drivers/ble/ble-driver.js';
import { encodeWristbandEda, encodeWristbandImu, encodeWristbandTemp } from '../../drivers/ble/wristband-profile.js';
import { PMD_DATA, PMD_SERVICE } from '../../drivers/ble/pmd/measurement.js';
import type { Recording, RecordingEvent, RecordingEventInput } from '../../drivers/replay/recording.js';
import { readJsonl } from './data.js';

export const H10 = { id: 'a0:9e:1a:00:8c:4e', name: 'Polar H10 8C4E2F21' };
export const BAND = { id: 'c0:da:00:00:00:07', name: 'Codance Band 07' };
export const STRANGER = { id: '11:22:33:44:55:66', name: 'Someone else HR' };

export function restamp(hex: string, timestampNs: bigint): string {
  const b = Buffer.from(hex, 'hex');
  b.writeBigUInt64LE(timestampNs, 1);
  return b.toString('hex');
}

export interface BuiltRecording {
  recording: Recording;
  expected: {
    hr: number;
    hrRejected: number;
    accSamples: number;
    ecgSamples: number;
    bandAcc: number;
    eda: number;
    temp: number;
    resent: number;
  };
}

/** A session of two allowlisted wearables and a stranger, each allowlisted one dropping mid-stream. */
export function buildRecording(): BuiltRecording {
  const hrm = readJsonl<{ hex: string; valid: boolean }>('ble', 'hrm_2a37_vectors.jsonl');
  const pmd = readJsonl<{ hex: string; test: string }>('ble', 'polar_pmd_vectors.jsonl');
  const accRaw = pmd.find((v) => v.test.includes('acc raw'))!.hex;
  const ecgRaw = pmd.find((v) => v.test.includes('ecg'))!.hex;
  const events: RecordingEvent[] = [];
  let t = 0;
  const push = (e: RecordingEventInput): void => void events.push({ t: (t += 5), ...e });

  push({ type: 'advert', id: H10.id, address: H10.id, name: H10.name, rssi: -58, services: ['180d', PMD_SERVICE] });
  push({ type: 'advert', id: BAND.id, address: BAND.id, name: BAND.name, rssi: -64, services: ['180d'] });
  push({ type: 'advert', id: STRANGER.id, address: STRANGER.id, name: STRANGER.name, rssi: -80, services: ['180d'] });
  push({ type: 'read', id: H10.id, char: '2a19', hex: '5a' });

  let hr = 0;
  let hrRejected = 0;
  let accFrames = 0;
  let ecgFrames = 0;
  const accTs = (k: number): bigint => 2_000_000_000n + BigInt(Math.round((k * 36 * 1e9) / 52));
  const ecgTs = (k: number): bigint => 2_000_000_000n + BigInt(Math.round((k * 2 * 1e9) / 130));
  let seq = 0;
  let bandMs = 4_294_960_000; // the band's u32 ms clock wraps during the session
  let bandAcc = 0;
  let eda = 0;
  let temp = 0;
  let lastBand = '';
  let lastAcc = '';
  let resent = 0;
  for (let round = 0; round < 40; round++) {
    const v = hrm[round % hrm.length]!;
    push({ type: 'notify', id: H10.id, char: '2a37', hex: v.hex.toLowerCase() });
    if (v.valid) hr++;
    else hrRejected++;
    lastAcc = restamp(accRaw, accTs(accFrames++));
    push({ type: 'notify', id: H10.id, char: PMD_DATA, hex: lastAcc });
    push({ type: 'notify', id: H10.id, char: PMD_DATA, hex: restamp(ecgRaw, ecgTs(ecgFrames++)) });
    const acc = Array.from({ length: 10 * 3 }, (_, i) => (i % 3 === 2 ? 1 : 0.01 * (i % 7)));
    lastBand = Buffer.from(encodeWristbandImu({ sequence: seq, deviceTimeMs: bandMs >>> 0, rateHz: 50 }, acc)).toString(
      'hex',
    );
    push({ type: 'notify', id: BAND.id, char: 'c0da0002d4ce4f1e9a7eb0c5a1e5c0da', hex: lastBand });
    bandAcc += 10;
    push({
      type: 'notify',
      id: BAND.id,
      char: 'c0da0003d4ce4f1e9a7eb0c5a1e5c0da',
      hex: Buffer.from(
        encodeWristbandEda({ sequence: seq, deviceTimeMs: bandMs >>> 0, rateHz: 5 }, [2.5 + round * 0.01]),
      ).toString('hex'),
    });
    eda++;
    push({
      type: 'notify',
      id: BAND.id,
      char: 'c0da0004d4ce4f1e9a7eb0c5a1e5c0da',
      hex: Buffer.from(encodeWristbandTemp({ sequence: seq, deviceTimeMs: bandMs >>> 0, rateHz: 5 }, [33.2])).toString(
        'hex',
      ),
    });
    temp++;
    seq++;
    bandMs += 200;
    if (round === 15 || round === 30) {
      push({ type: 'disconnect', id: H10.id });
      push({ type: 'disconnect', id: BAND.id });
      // After reconnecting, both devices send their last notification again: it must not be stored twice.
      push({ type: 'notify', id: H10.id, char: PMD_DATA, hex: lastAcc });
      push({ type: 'notify', id: BAND.id, char: 'c0da0002d4ce4f1e9a7eb0c5a1e5c0da', hex: lastBand });
      resent += 2;
    }
  }
  push({ type: 'notify', id: STRANGER.id, char: '2a37', hex: '0050' });
  return {
    recording: { header: { format: 'codance-recording', version: 1, startedAt: 1_732_240_000_000 }, events },
    expected: { hr, hrRejected, accSamples: accFrames * 36, ecgSamples: ecgFrames * 2, bandAcc, eda, temp, resent },
  };
}

export function toJsonl(r: Recording): string {
  return [r.header, ...r.events].map((e) => JSON.stringify(e)).join('\n') + '\n';
}

/** Driver options for replay tests: fast reconnects, the two allowlisted wearables above. */
export const bleTestOptions: BleOptions = {
  allowlist: [{ address: H10.id }, { name: 'Codance Band' }],
  connectTimeoutMs: 2000,
  poweredOnTimeoutMs: 1000,
  reconnect: { initialMs: 10, maxMs: 80, factor: 2 },
  rssiEveryMs: 50,
  pmd: {
    acc: { enabled: true, sampleRate: 52, resolution: 16, range: 8 },
    ecg: { enabled: true, sampleRate: 130, resolution: 14 },
  },
};

/** One radio around an adapter (a replay, a test double), as the driver takes it. */
export function testRadio(
  adapter: BleAdapter | (() => Promise<BleAdapter>),
  maxConnected = 4,
  name = 'test',
): BleRadio {
  return {
    name,
    id: `ble:${name}`,
    label: `${name} radio`,
    maxConnected,
    load: typeof adapter === 'function' ? adapter : () => Promise.resolve(adapter),
  };
}
