/**
 * A dancer's recorded night written straight into a box's store (an open connection), as the
 * write path leaves it: a band assigned from `t0`, heart-rate rows and arousal inferences under
 * the dancer's id, accelerometer chunks of the band (which name no one), each with its outbox
 * entry. `userId: null` is a band worn by nobody.
 */
import type BetterSqlite3 from 'better-sqlite3';

export interface Seeded {
  deviceId: number;
  biometrics: number;
  inferences: number;
  chunks: number;
  samples: number;
}

const ACC_PER_CHUNK = 50;

export function seedDancerData(
  db: BetterSqlite3.Database,
  o: { userId: number | null; band: string; t0: number; seconds: number; eventId?: number | null },
): Seeded {
  const outbox = db.prepare("INSERT INTO outbox (entity, entity_id, op, created_at) VALUES (?, ?, 'upsert', ?)");
  const now = Date.now();
  return db.transaction(() => {
    const deviceId = Number(
      db
        .prepare(
          `INSERT INTO devices (device_key, kind, transport, created_at, updated_at) VALUES (?, 'wearable', 'sim', ?, ?)`,
        )
        .run(o.band, now, now).lastInsertRowid,
    );
    const eventId = o.eventId ?? null;
    if (o.userId !== null) {
      const a = db
        .prepare('INSERT INTO device_assignments (device_id, user_id, event_id, assigned_at) VALUES (?, ?, ?, ?)')
        .run(deviceId, o.userId, eventId, o.t0).lastInsertRowid;
      outbox.run('device_assignments', a, now);
    }
    const bio = db.prepare(
      `INSERT INTO biometric_data (user_id, event_id, device_id, recorded_at, stream_index, heart_rate, rr_1024, source) VALUES (?, ?, ?, ?, ?, ?, '[800,820]', 'sim')`,
    );
    const inf = db.prepare(
      `INSERT INTO inferences (device_id, user_id, event_id, at, model, value, inputs) VALUES (?, ?, ?, ?, 'arousal', ?, '[0.1,0.2]')`,
    );
    const chunk = db.prepare(
      `INSERT INTO stream_chunks (device_id, event_id, stream, started_at, first_index, rate_hz, channels, sample_count, data) VALUES (?, ?, 'acc', ?, ?, 50, 3, ?, ?)`,
    );
    const seeded: Seeded = { deviceId, biometrics: 0, inferences: 0, chunks: 0, samples: 0 };
    for (let s = 0; s < o.seconds; s++) {
      const at = o.t0 + 500 + s * 1000;
      if (o.userId !== null) {
        outbox.run('biometric_data', bio.run(o.userId, eventId, deviceId, at, s, 90 + (s % 40)).lastInsertRowid, now);
        seeded.biometrics++;
        if (s % 3 === 0) {
          outbox.run('inferences', inf.run(deviceId, o.userId, eventId, at, (s % 10) / 10).lastInsertRowid, now);
          seeded.inferences++;
        }
      }
      const data = Buffer.alloc(ACC_PER_CHUNK * 3 * 4);
      for (let i = 0; i < ACC_PER_CHUNK * 3; i++) data.writeFloatLE(Math.sin(s + i / 7), i * 4);
      outbox.run(
        'stream_chunks',
        chunk.run(deviceId, eventId, at, s * ACC_PER_CHUNK, ACC_PER_CHUNK, data).lastInsertRowid,
        now,
      );
      seeded.chunks++;
      seeded.samples += ACC_PER_CHUNK;
    }
    return seeded;
  })();
}
