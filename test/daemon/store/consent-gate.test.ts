/** The consent gate on the bus: what passes for assigned, consenting, declining and unassigned wearers. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Bus } from '../../../daemon/bus.js';
import { CONSENT_TTL_MS } from '../../../daemon/store/consent-gate.js';
import { Store } from '../../../daemon/store/store.js';
import type { Sample } from '../../../config/signals.js';
import { tempDir } from '../../helpers/daemon-process.js';

const hr = (key: string): Sample => ({
  kind: 'heart_rate',
  deviceKey: key,
  receivedAt: 1,
  index: 1,
  bpm: 120,
  rr1024: [],
});
const acc = (key: string): Sample => ({
  kind: 'raw',
  deviceKey: key,
  stream: 'acc',
  receivedAt: 1,
  firstIndex: 0,
  startedAt: 1,
  rateHz: 50,
  channels: 3,
  values: new Float32Array(150),
});
const battery = (key: string): Sample => ({ kind: 'battery', deviceKey: key, receivedAt: 1, index: 1, value: 50 });

describe('the consent gate', () => {
  it('passes biometrics only with consent, movement unless declined, unassigned bands under their key; tells when a device is revoked', async () => {
    let now = 1_000_000;
    const store = new Store(
      { path: join(tempDir(), 'codance.db'), batchMs: 10, maxBatchRows: 1000, chunkMs: 1000 },
      () => now,
    );
    await store.start();
    const db = store.sqlite;
    const user = (name: string, consent: number, decided: number | null) =>
      Number(
        db
          .prepare(
            `INSERT INTO users (username, email, password_hash, role, pseudonym, consent_biometrics, consent_updated_at, created_at, updated_at) VALUES (?, ?, 'x', 'dancer', ?, ?, ?, 0, 0)`,
          )
          .run(name, `${name}@e.org`, `p_${name}`, consent, decided).lastInsertRowid,
      );
    const wear = (key: string, userId: number) => {
      const device = Number(
        db
          .prepare(
            `INSERT INTO devices (device_key, kind, transport, created_at, updated_at) VALUES (?, 'wearable', 'sim', 0, 0)`,
          )
          .run(key).lastInsertRowid,
      );
      db.prepare('INSERT INTO device_assignments (device_id, user_id, assigned_at) VALUES (?, ?, 0)').run(
        device,
        userId,
      );
    };
    wear('yes', user('ana', 1, 1));
    wear('undecided', user('ben', 0, null));
    const carla = user('carla', 1, 1);
    wear('declined', carla);
    const bus = new Bus(() => undefined);
    bus.guard('sample', (s) => store.consent.sample(s));
    const got: string[] = [];
    bus.on('sample', (s) => got.push(`${s.deviceKey}:${s.kind}`));
    const revoked: string[] = [];
    store.consent.onRevoked((k) => revoked.push(k));
    for (const key of ['yes', 'undecided', 'declined', 'nobody'])
      for (const s of [hr(key), acc(key), battery(key)]) bus.emit('sample', s);
    expect(got).toEqual([
      'yes:heart_rate',
      'yes:raw',
      'yes:battery',
      'undecided:raw',
      'undecided:battery',
      'declined:heart_rate',
      'declined:raw',
      'declined:battery',
      'nobody:heart_rate',
      'nobody:raw',
      'nobody:battery',
    ]);
    expect(store.health()?.withheldNoConsent).toBe(1);
    // Carla withdraws: within the cache time her heart rate and movement stop, and listeners are told once.
    db.prepare('UPDATE users SET consent_biometrics = 0, consent_updated_at = 2 WHERE id = ?').run(carla);
    got.length = 0;
    now += CONSENT_TTL_MS;
    bus.emit('sample', hr('declined'));
    bus.emit('sample', acc('declined'));
    bus.emit('sample', battery('declined'));
    expect(got).toEqual(['declined:battery']);
    expect(revoked).toEqual(['declined']);
    expect(store.health()?.withheldNoConsent).toBe(1 + 1 + 50);
    await store.stop();
  });
});
