/** Stores a simulated stretch of an event (movement or biometrics) through the outbox. */
import { simulateSession } from '../../../drivers/sim/session-records.js';
import { ApiError } from '../errors.js';
import { getRow } from '../resource.js';
import type { Sql } from '../../store/sql.js';

export interface SimulateInput {
  event_id: number;
  user_id?: number | undefined;
  duration_s: number;
  interval_ms: number;
  dancers?: number | undefined;
  seed: number;
}

export interface SimulateResult {
  event_id: number;
  created: number;
  from: string;
  to: string;
  dancers: number;
}

export function simulateSignals(sql: Sql, input: SimulateInput, kind: 'movement' | 'biometrics'): SimulateResult {
  getRow(sql, 'events', input.event_id, 'event');
  let dancers: (number | null)[];
  let cloud = true;
  if (input.user_id !== undefined) {
    const user = sql.first(
      sql.db
        .selectFrom('users')
        .select(['id', 'consent_biometrics', 'consent_cloud_sync'])
        .where('id', '=', input.user_id),
    );
    if (!user)
      throw new ApiError(422, 'unknown_reference', `body.user_id: no user with id ${input.user_id}`, 'body.user_id');
    if (kind === 'biometrics' && user.consent_biometrics !== 1) throw consentMissing(input.user_id);
    dancers = [user.id];
    cloud = user.consent_cloud_sync === 1;
  } else if (kind === 'biometrics') {
    throw new ApiError(
      422,
      'validation_failed',
      'body.user_id: required for biometrics (data is stored against a consenting dancer)',
      'body.user_id',
    );
  } else {
    const registered = sql.all(
      sql.db
        .selectFrom('registrations')
        .select('user_id')
        .where('event_id', '=', input.event_id)
        .where('is_active', '=', 1)
        .orderBy('user_id'),
    );
    dancers =
      registered.length > 0 ? registered.map((r) => r.user_id) : Array.from({ length: input.dancers ?? 8 }, () => null);
  }
  if (((input.duration_s * 1000) / input.interval_ms) * dancers.length > 200_000) {
    throw new ApiError(
      422,
      'validation_failed',
      'body.duration_s: at most 200000 records per request (shorten the stretch or lengthen interval_ms)',
      'body.duration_s',
    );
  }
  const endMs = sql.now();
  const startMs = endMs - Math.round(input.duration_s * 1000);
  const session = simulateSession({
    dancers,
    startMs,
    endMs,
    intervalMs: input.interval_ms,
    bpm: 128,
    seed: input.seed,
  });
  const created = sql.tx(() => {
    let n = 0;
    if (kind === 'movement') {
      for (const m of session.movement) {
        const { id } = sql.run(
          sql.db
            .insertInto('movement_data')
            .values({ ...m, event_id: input.event_id, coordinates: JSON.stringify(m.coordinates), source: 'sim' }),
        );
        sql.outbox('movement_data', id);
        n++;
      }
    } else {
      for (const b of session.biometrics) {
        const { id } = sql.run(
          sql.db
            .insertInto('biometric_data')
            .values({ ...b, event_id: input.event_id, rr_1024: JSON.stringify(b.rr_1024), source: 'sim' }),
        );
        // Without the dancer's consent to cloud sync, their biometrics are kept but never enqueued.
        if (cloud) sql.outbox('biometric_data', id);
        n++;
      }
    }
    return n;
  });
  return {
    event_id: input.event_id,
    created,
    from: new Date(startMs).toISOString(),
    to: new Date(endMs).toISOString(),
    dancers: dancers.length,
  };
}

export const consentMissing = (userId: number): ApiError =>
  new ApiError(
    409,
    'consent_required',
    `user ${userId} has not consented to biometric recording (PUT /api/v1/users/${userId} with consent_biometrics by the dancer)`,
    'body.user_id',
  );
