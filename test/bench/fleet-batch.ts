/** One box's realistic sync batch for the fleet bench: heart rate and EDA rows, arousal inferences, 50 Hz accelerometer chunks. */
import type { SyncBatch } from '../../sync/contract.js';

const CHUNK_B64 = Buffer.alloc(600, 7).toString('base64');

export function batch(box: string, b: number, n: number): SyncBatch {
  const t0 = Date.now() - 3_600_000 + b * n * 10;
  const records: SyncBatch['records'] = [];
  for (let i = 0; i < n; i++) {
    const id = b * n + i + 1;
    const at = t0 + i * 10;
    const kind = i % 5;
    records.push(
      kind === 4
        ? {
            seq: id,
            entity: 'stream_chunks',
            id,
            op: 'upsert',
            data: {
              id,
              device_id: 1 + (i % 8),
              event_id: 1,
              stream: 'acc',
              started_at: at,
              first_index: id * 50,
              rate_hz: 50,
              channels: 3,
              sample_count: 50,
              encoding: 'f32le',
              data: CHUNK_B64,
            },
          }
        : kind === 3
          ? {
              seq: id,
              entity: 'inferences',
              id,
              op: 'upsert',
              data: {
                id,
                device_id: 1 + (i % 8),
                user_id: 1 + (i % 8),
                event_id: 1,
                at,
                model: 'arousal',
                value: 0.42,
                inputs: '[0.1,0.2,0.3,0.4]',
              },
            }
          : {
              seq: id,
              entity: 'biometric_data',
              id,
              op: 'upsert',
              data: {
                id,
                user_id: 1 + (i % 8),
                event_id: 1,
                device_id: 1 + (i % 8),
                recorded_at: at,
                stream_index: id,
                [kind === 0 ? 'heart_rate' : 'gsr_us']: 91.5,
                source: 'sensor',
              },
            },
    );
  }
  return { box, sent_at: Date.now(), records };
}
