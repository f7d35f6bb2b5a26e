/**
 * Whether the console may show a band's live vitals: a named dancer's only with her biometric
 * consent, an unassigned band's always (it carries no identity). Asked when a console chooses
 * the band and again with every state tick, so a withdrawn consent or a new wearer stops the
 * vitals within a second.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { wearerConsent } from '../store/repositories/floor.js';

export type VitalsPermission = 'ok' | 'no_device' | 'no_consent';

export function vitalsPermission(sqlite: BetterSqlite3.Database, deviceKey: string): VitalsPermission {
  const row = wearerConsent(sqlite, deviceKey);
  if (!row) return 'no_device';
  return row.user_id !== null && row.consent_biometrics !== 1 ? 'no_consent' : 'ok';
}
