/** Stores a simulated stretch of an event (movement or biometrics) through the outbox. */
import { findColumns, insertMany } from '../../store/repositories/records.js';
import { registeredDancers } from '../../store/repositories/registrations.js';
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
    const user = findColumns(sql, 'users', input.user_id, ['id', 'consent_biometrics', 'consent_cloud_sync']) as
      { id: number; consent_biometrics: number; consent_cloud_sync: number } | undefined;
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
    const registered = registeredDancers(sql, input.event_id);
    dancers = registered.length > 0 ? registered : Array.from({ length: input.dancers ?? 8 }, () => null);
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
  const created =
    kind === 'movement'
      ? insertMany(
          sql,
          'movement_data',
          session.movement.map((m) => ({
            ...m,
            event_id: input.event_id,
            coordinates: JSON.stringify(m.coordinates),
            source: 'sim',
          })),
        )
      : insertMany(
          sql,
          'biometric_data',
          session.biometrics.map((b) => ({
            ...b,
            event_id: input.event_id,
            rr_1024: JSON.stringify(b.rr_1024),
            source: 'sim',
          })),
          // Without the dancer's consent to cloud sync, their biometrics are kept but never enqueued.
          cloud,
        );
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
