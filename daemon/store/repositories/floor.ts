/**
 * Who is on the floor, as the console shows it: each active device with the dancer wearing it,
 * the dancers checked in at an event with their band, and whether a band's wearer consented
 * to biometrics.
 */
import type BetterSqlite3 from 'better-sqlite3';

export interface WornDevice {
  id: number;
  device_key: string;
  name: string;
  transport: string;
  user_id: number | null;
  username: string | null;
}

export function activeDevicesWithWearers(sqlite: BetterSqlite3.Database): WornDevice[] {
  return sqlite
    .prepare(
      `SELECT d.id, d.device_key, d.name, d.transport, u.id AS user_id, u.username
       FROM devices d
       LEFT JOIN device_assignments a ON a.device_id = d.id AND a.released_at IS NULL
       LEFT JOIN users u ON u.id = a.user_id
       WHERE d.is_active = 1`,
    )
    .all() as WornDevice[];
}

export function eventName(sqlite: BetterSqlite3.Database, id: number): { id: number; name: string } | undefined {
  return sqlite.prepare('SELECT id, name FROM events WHERE id = ?').get(id) as { id: number; name: string } | undefined;
}

export interface CheckedInDancer {
  id: number;
  username: string;
  checked_in_at: number;
  device: string | null;
}

/** The dancers checked in (and not out) at an event, by name, with the band each wears. */
export function checkedInDancers(sqlite: BetterSqlite3.Database, eventId: number): CheckedInDancer[] {
  return sqlite
    .prepare(
      `SELECT u.id, u.username, r.checked_in_at, d.device_key AS device
       FROM registrations r JOIN users u ON u.id = r.user_id
       LEFT JOIN device_assignments a ON a.user_id = u.id AND a.released_at IS NULL
       LEFT JOIN devices d ON d.id = a.device_id
       WHERE r.event_id = ? AND r.is_active = 1 AND r.checked_in_at IS NOT NULL AND r.checked_out_at IS NULL
       ORDER BY u.username`,
    )
    .all(eventId) as CheckedInDancer[];
}

/** A band's wearer and their biometric consent; undefined when no such device is stored. */
export function wearerConsent(
  sqlite: BetterSqlite3.Database,
  deviceKey: string,
): { user_id: number | null; consent_biometrics: number | null } | undefined {
  return sqlite
    .prepare(
      `SELECT u.id AS user_id, u.consent_biometrics FROM devices d
       LEFT JOIN device_assignments a ON a.device_id = d.id AND a.released_at IS NULL LEFT JOIN users u ON u.id = a.user_id
       WHERE d.device_key = ?`,
    )
    .get(deviceKey) as { user_id: number | null; consent_biometrics: number | null } | undefined;
}

export interface StoredDevice {
  key: string;
  kind: string;
  transport: string;
  model: string;
  name: string;
  battery: number | null;
  dancer: string | null;
}

/** Every stored device and who wears it now (`codance devices`). */
export function storedDevices(sqlite: BetterSqlite3.Database): StoredDevice[] {
  return sqlite
    .prepare(
      `SELECT d.device_key AS key, d.kind, d.transport, d.model, d.name, d.battery_pct AS battery, u.username AS dancer
       FROM devices d
       LEFT JOIN device_assignments a ON a.device_id = d.id AND a.released_at IS NULL
       LEFT JOIN users u ON u.id = a.user_id
       ORDER BY d.device_key`,
    )
    .all() as StoredDevice[];
}
