/**
 * Dancer slots on a real store: lowest free number first, kept by the dancer (not the band)
 * for the scope, a band assigned to nobody holding its own, checked-in dancers given theirs at
 * check-in in check-in order, and a new scope when an event starts.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../../daemon/store/store.js';
import { pruneExpired } from '../../../daemon/store/retention.js';
import { tempDir } from '../../helpers/daemon-process.js';

let store: Store | undefined;
afterEach(async () => {
  await store?.stop();
  store = undefined;
});

async function open(now: () => number) {
  store = new Store({ path: join(tempDir(), 'codance.db'), batchMs: 10, maxBatchRows: 1000, chunkMs: 1000 }, now);
  await store.start();
  const db = store.sqlite;
  const user = (name: string) =>
    Number(
      db
        .prepare(
          `INSERT INTO users (username, email, password_hash, pseudonym, created_at, updated_at) VALUES (?, ?, 'x', ?, 0, 0)`,
        )
        .run(name, `${name}@example.test`, `p-${name}`).lastInsertRowid,
    );
  const device = (key: string) =>
    Number(
      db
        .prepare(
          `INSERT INTO devices (device_key, kind, transport, created_at, updated_at) VALUES (?, 'wearable', 'sim', 0, 0)`,
        )
        .run(key).lastInsertRowid,
    );
  const assign = (deviceId: number, userId: number) => {
    db.prepare('UPDATE device_assignments SET released_at = 1 WHERE device_id = ? AND released_at IS NULL').run(
      deviceId,
    );
    db.prepare('INSERT INTO device_assignments (device_id, user_id, assigned_at) VALUES (?, ?, 0)').run(
      deviceId,
      userId,
    );
  };
  const release = (deviceId: number) =>
    db
      .prepare('UPDATE device_assignments SET released_at = 1 WHERE device_id = ? AND released_at IS NULL')
      .run(deviceId);
  return { slots: store.slots, db, user, device, assign, release };
}

describe('dancer slots', () => {
  it('keeps a dancer’s slot when their band is swapped, and gives unassigned bands their own', async () => {
    const s = await open(() => 1000);
    const ana = s.user('ana');
    const [a, b] = [s.device('band-a'), s.device('band-b')];
    s.device('band-c');
    expect(s.slots.slotOf('band-a')).toBe(1); // sending before it is given to anyone
    expect(s.slots.slotOf('band-c')).toBe(2); // assigned to nobody: a slot of its own
    s.assign(a, ana);
    s.slots.refresh();
    expect(s.slots.slotOf('band-a')).toBe(1); // Ana takes over the slot her band held
    // The swap: band-a goes back to the desk, band-b is put on Ana's wrist.
    s.release(a);
    s.assign(b, ana);
    s.slots.refresh();
    expect(s.slots.slotOf('band-b')).toBe(1);
    expect(s.slots.slotOf('band-a')).toBe(3); // now unassigned, the next free number
    const list = s.slots.list();
    expect(list.scope).toBe('floor');
    expect(list.slots.map((x) => [x.slot, x.userName, x.deviceKeys])).toEqual([
      [1, 'ana', ['band-b']],
      [2, null, ['band-c']],
      [3, null, ['band-a']],
    ]);
  });

  it('hands slots to checked-in dancers in check-in order when an event runs, in a scope of its own', async () => {
    const s = await open(() => 5000);
    const [ana, ben, cho] = [s.user('ana'), s.user('ben'), s.user('cho')];
    s.assign(s.device('band-1'), cho);
    expect(s.slots.slotOf('band-1')).toBe(1); // on the floor, before the event
    const event = Number(
      s.db
        .prepare(
          `INSERT INTO events (name, starts_at, ends_at, created_at, updated_at) VALUES ('night', 0, 10000, 0, 0)`,
        )
        .run().lastInsertRowid,
    );
    const checkIn = (user: number, at: number) =>
      s.db
        .prepare('INSERT INTO registrations (event_id, user_id, registered_at, checked_in_at) VALUES (?, ?, 0, ?)')
        .run(event, user, at);
    checkIn(ben, 10);
    checkIn(ana, 20);
    s.slots.refresh();
    const list = s.slots.list();
    expect(list).toMatchObject({ scope: `event:${event}`, eventId: event });
    expect(list.slots.map((x) => [x.slot, x.userName])).toEqual([
      [1, 'ben'],
      [2, 'ana'],
    ]);
    // Cho was not checked in: her band takes the next free slot of the event when it sends.
    expect(s.slots.slotOf('band-1')).toBe(3);
  });

  it('lists a band under its wearer once worn, even when its own slot stays held', async () => {
    const s = await open(() => 1000);
    const ana = s.user('ana');
    const x = s.device('band-x');
    expect(s.slots.slotOf('band-x')).toBe(1); // unassigned, sending
    s.assign(s.device('band-y'), ana);
    expect(s.slots.slotOf('band-y')).toBe(2); // Ana, from her first band
    s.assign(x, ana);
    s.slots.refresh();
    expect(s.slots.slotOf('band-x')).toBe(2); // she already had a slot: band-x's data goes out under hers
    expect(s.slots.list().slots.map((x) => [x.slot, x.userName, x.deviceKeys])).toEqual([
      [1, null, []],
      [2, 'ana', ['band-x', 'band-y']],
    ]);
  });

  it('fills the lowest free number', async () => {
    const s = await open(() => 0);
    s.db
      .prepare(`INSERT INTO dancer_slots (scope, holder, slot, assigned_at) VALUES ('floor', 'device:x', 2, 0)`)
      .run();
    s.device('band-1');
    s.device('band-2');
    expect(s.slots.slotOf('band-1')).toBe(1);
    expect(s.slots.slotOf('band-2')).toBe(3);
  });

  it('releases the slots of an event over a day after it ended, and a deleted dancer’s at once', async () => {
    let t = 5000;
    const s = await open(() => t);
    const [ana, ben] = [s.user('ana'), s.user('ben')];
    const event = Number(
      s.db
        .prepare(
          `INSERT INTO events (name, starts_at, ends_at, created_at, updated_at) VALUES ('night', 0, 10000, 0, 0)`,
        )
        .run().lastInsertRowid,
    );
    s.assign(s.device('band-1'), ana);
    s.assign(s.device('band-2'), ben);
    expect([s.slots.slotOf('band-1'), s.slots.slotOf('band-2')]).toEqual([1, 2]);
    t = 20_000; // the event is over: the floor scope
    s.slots.refresh();
    expect(s.slots.slotOf('band-2')).toBe(1);
    expect(s.slots.slotOf('band-1')).toBe(2);
    s.db.prepare('DELETE FROM users WHERE id = ?').run(ben);
    const days = { acc: 0, gyro: 0, ppg: 0, ecg: 0, biometrics: 0, inferences: 0, crowd: 0 } as never;
    expect(pruneExpired(s.db, t, days)).toEqual({ slots: 2 }); // Ben's, in the event and on the floor
    expect(pruneExpired(s.db, 10_000 + 86_400_001, days)).toEqual({ slots: 1 }); // Ana's in the event, a day after it
    expect(s.slots.list().slots.map((x) => x.userName)).toEqual(['ana']); // her floor slot stays
    expect(s.db.prepare(`SELECT count(*) AS n FROM dancer_slots WHERE scope = 'event:${event}'`).get()).toEqual({
      n: 0,
    });
  });
});
