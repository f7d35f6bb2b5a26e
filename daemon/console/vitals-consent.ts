/**
 * Whether the console may show a band's live vitals: a named dancer's only with her biometric
 * consent, an unassigned band's always (it carries no identity). Asked when a console chooses
 * the band and again with every state tick, so a withdrawn consent or a new wearer stops the
 * vitals within a second.
 */
import type BetterSqlite3 from 'better-sqlite3';

export type VitalsPermission = 'ok' | 'no_device' | 'no_consent';

export function vitalsPermission(sqlite: BetterSqlite3.Database, deviceKey: string): VitalsPermission {
  const row = sqlite
    .prepare(
      `SELECT u.id AS user_id, u.consent_biometrics FROM devices d
       LEFT JOIN device_assignments a ON a.device_id = d.id AND a.released_at IS NULL LEFT JOIN users u ON u.id = a.user_id
       WHERE d.device_key = ?`,
    )
    .get(deviceKey) as { user_id: number | null; consent_biometrics: number | null } | undefined;
  if (!row) return 'no_device';
  return row.user_id !== null && row.consent_biometrics !== 1 ? 'no_consent' : 'ok';
}
