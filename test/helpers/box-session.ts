/**
 * A venue's session written straight into a box's store, as the API would leave it: an event
 * on now, dancers with their consents, each wearing a simulated band, every row with its
 * outbox entry so cloud sync sends it.
 */
import BetterSqlite3 from 'better-sqlite3';

export interface SessionDancer {
  name: string;
  /** Consents to biometrics leaving the box (recording consent is given). */
  cloudConsent: boolean;
  band: string;
  pseudonym?: string;
}

export function seedSession<N extends string>(
  dbPath: string,
  event: { name: string; location?: string },
  dancers: (SessionDancer & { name: N })[],
): { eventId: number; users: Record<N, number> } {
  const box = new BetterSqlite3(dbPath);
  try {
    const now = Date.now();
    const outbox = box.prepare('INSERT INTO outbox (entity, entity_id, op, created_at) VALUES (?, ?, ?, ?)');
    const eventId = Number(
      box
        .prepare(
          'INSERT INTO events (name, location, starts_at, ends_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(event.name, event.location ?? null, now - 60_000, now + 3_600_000, now, now).lastInsertRowid,
    );
    outbox.run('events', eventId, 'upsert', now);
    const users = {} as Record<N, number>;
    for (const d of dancers) {
      const id = Number(
        box
          .prepare(
            `INSERT INTO users (username, email, password_hash, role, pseudonym, consent_biometrics, consent_cloud_sync, created_at, updated_at) VALUES (?, ?, 'hash', 'dancer', ?, 1, ?, ?, ?)`,
          )
          .run(d.name, `${d.name}@example.org`, d.pseudonym ?? `p_${d.name}`, d.cloudConsent ? 1 : 0, now, now)
          .lastInsertRowid,
      );
      outbox.run('users', id, 'upsert', now);
      users[d.name] = id;
      const device = Number(
        box
          .prepare(
            `INSERT INTO devices (device_key, kind, transport, created_at, updated_at) VALUES (?, 'wearable', 'sim', ?, ?)`,
          )
          .run(d.band, now, now).lastInsertRowid,
      );
      const a = Number(
        box
          .prepare('INSERT INTO device_assignments (device_id, user_id, event_id, assigned_at) VALUES (?, ?, ?, ?)')
          .run(device, id, eventId, now).lastInsertRowid,
      );
      outbox.run('device_assignments', a, 'upsert', now);
    }
    return { eventId, users };
  } finally {
    box.close();
  }
}
