/**
 * The signal registry is what the box reads: its row signals name real `biometric_data`
 * columns, its consent classes are what the gate asks, a signal kept as chunks reaches the
 * chunker as one-value blocks, rules may name every mapped signal, and the dashboard pages a
 * row by the stream the registry gives it.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DANCER_SIGNALS, ruleSourceSchema } from '../../config/mapping.js';
import {
  RAW_STREAMS,
  SCALAR_SIGNALS,
  consentOf,
  rawStreams,
  scalarBlock,
  scalarSignals,
  streamConsent,
  type ScalarSignalSpec,
} from '../../config/signals.js';
import { Chunker } from '../../daemon/store/chunker.js';
import { Store } from '../../daemon/store/store.js';
import { streamOf } from '../../sync/contract.js';
import { tempDir } from '../helpers/daemon-process.js';

const spec = (k: keyof typeof SCALAR_SIGNALS): ScalarSignalSpec => SCALAR_SIGNALS[k];

describe('signal registry', () => {
  it("names only columns the store's migrations make", async () => {
    const store = new Store({ path: join(tempDir(), 'codance.db'), batchMs: 10, maxBatchRows: 100, chunkMs: 1000 });
    await store.start();
    try {
      const columns = (store.sqlite.pragma('table_info(biometric_data)') as { name: string }[]).map((c) => c.name);
      for (const k of scalarSignals) {
        const store = spec(k).store;
        if (typeof store === 'object') expect(columns, k).toContain(store.column);
      }
    } finally {
      await store.stop();
    }
  });

  it('gives each sample the consent class the gate asks', () => {
    const head = { deviceKey: 'band', receivedAt: 1, index: 0 };
    expect(consentOf({ ...head, kind: 'heart_rate', bpm: 90, rr1024: [] })).toBe('biometrics');
    expect(consentOf({ ...head, kind: 'eda', value: 2 })).toBe('biometrics');
    expect(consentOf({ ...head, kind: 'battery', value: 50 })).toBe('none');
    const block = { ...head, kind: 'raw' as const, firstIndex: 0, startedAt: 1, rateHz: 50, channels: 3 };
    expect(consentOf({ ...block, stream: 'acc', values: new Float32Array(3) })).toBe('movement');
    expect(consentOf({ ...block, stream: 'ecg', values: new Float32Array(3) })).toBe('biometrics');
    for (const s of rawStreams) expect(streamConsent(s)).toBe(RAW_STREAMS[s].consent);
    // A chunk of a stream the registry does not know is treated as the most sensitive kind.
    expect(streamConsent('spo2')).toBe('biometrics');
  });

  it('keeps a scalar signal stored as chunks as one-value blocks in ~1 s chunks', () => {
    const chunker = new Chunker(1000);
    const closed = [0, 1, 2, 3, 4].flatMap((i) =>
      chunker.add(scalarBlock({ kind: 'eda', deviceKey: 'band', receivedAt: 1000 + i * 250, index: i, value: i }, 4)),
    );
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({ stream: 'eda', channels: 1, sampleCount: 4, firstIndex: 0, rateHz: 4 });
    expect([...new Float32Array(closed[0]!.data.buffer, closed[0]!.data.byteOffset, 4)]).toEqual([0, 1, 2, 3]);
  });

  it('lets mapping rules name every mapped signal, and no other', () => {
    for (const k of scalarSignals) {
      const m = spec(k).mapping;
      if (m) expect(DANCER_SIGNALS).toContain(m);
    }
    expect(ruleSourceSchema.safeParse({ kind: 'dancer', signal: 'skin_temp' }).success).toBe(true);
    expect(ruleSourceSchema.safeParse({ kind: 'dancer', signal: 'battery' }).success).toBe(false);
  });

  it("pages a biometric row by its signal's stream name", () => {
    expect(streamOf('biometric_data', { heart_rate: 80, gsr_us: null, skin_temp_c: null })).toBe('hr');
    expect(streamOf('biometric_data', { heart_rate: null, gsr_us: 2.5, skin_temp_c: null })).toBe('eda');
    expect(streamOf('biometric_data', { heart_rate: null, gsr_us: null, skin_temp_c: 33 })).toBe('temp');
  });
});
