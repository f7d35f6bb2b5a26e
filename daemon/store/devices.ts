/**
 * Maps a driver's device key (BLE address, serial path, sim id) to the store's device row,
 * creating the row the first time a device is seen, and tells the write path who wears the
 * device now and whether they consented to biometrics. Cached: the hot path queries a
 * device's wearer at most once every OWNER_TTL_MS, so a new assignment or a withdrawn
 * consent takes effect within that time.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { DeviceInfo } from '../../config/signals.js';

/** Who wears a device: its open assignment and the wearer's biometric consent. */
export interface Wearer {
  userId: number;
  eventId: number | null;
  consent: boolean;
  /** ...and to those biometrics being synced to the cloud (without it they are stored but never enqueued). */
  cloud: boolean;
}

export const OWNER_TTL_MS = 2000;

export class DeviceDirectory {
  private readonly known = new Map<string, { id: number; simulated: boolean }>();
  private readonly wearers = new Map<number, { wearer: Wearer | undefined; checkedAt: number }>();
  private readonly selectWearer: BetterSqlite3.Statement<
    [number],
    { user_id: number; event_id: number | null; consent_biometrics: number; consent_cloud_sync: number }
  >;
  private readonly upsert: BetterSqlite3.Statement<[string, string, string, string, string, number, number]>;
  private readonly select: BetterSqlite3.Statement<[string], { id: number }>;

  /** Keys first registered inside the current write transaction: forgotten if it rolls back. */
  private readonly uncommitted = new Set<string>();

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    private readonly now: () => number,
  ) {
    this.upsert = sqlite.prepare(
      `INSERT INTO devices (device_key, kind, transport, model, name, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (device_key) DO UPDATE SET kind = excluded.kind, transport = excluded.transport,
         model = excluded.model, name = excluded.name, updated_at = excluded.updated_at`,
    );
    this.select = sqlite.prepare('SELECT id FROM devices WHERE device_key = ?');
    this.selectWearer = sqlite.prepare(
      `SELECT a.user_id, a.event_id, u.consent_biometrics, u.consent_cloud_sync FROM device_assignments a JOIN users u ON u.id = a.user_id
       WHERE a.device_id = ? AND a.released_at IS NULL`,
    );
  }

  /** The device's current wearer, if it is assigned to someone (refreshed every OWNER_TTL_MS). */
  wearer(deviceId: number): Wearer | undefined {
    const t = this.now();
    const cached = this.wearers.get(deviceId);
    if (cached && t - cached.checkedAt < OWNER_TTL_MS) return cached.wearer;
    const row = this.selectWearer.get(deviceId);
    const wearer = row
      ? {
          userId: row.user_id,
          eventId: row.event_id,
          consent: row.consent_biometrics === 1,
          cloud: row.consent_cloud_sync === 1,
        }
      : undefined;
    this.wearers.set(deviceId, { wearer, checkedAt: t });
    return wearer;
  }

  /** Records (or refreshes) a device and returns its id. */
  register(info: DeviceInfo): number {
    const t = this.now();
    this.upsert.run(info.key, info.kind, info.transport, info.model, info.name, t, t);
    const id = (this.select.get(info.key) as { id: number }).id;
    if (this.sqlite.inTransaction && !this.known.has(info.key)) this.uncommitted.add(info.key);
    this.known.set(info.key, { id, simulated: info.transport === 'sim' });
    return id;
  }

  /** The batch that registered devices committed: their ids are real. */
  committed(): void {
    this.uncommitted.clear();
  }

  /** The batch rolled back: ids handed out inside it no longer exist. */
  rolledBack(): void {
    for (const key of this.uncommitted) this.known.delete(key);
    this.uncommitted.clear();
  }

  /** A known device's id, and whether its data is simulated; an unannounced key is registered as an unknown BLE wearable. */
  lookup(key: string): { id: number; simulated: boolean } {
    const d = this.known.get(key);
    if (d) return d;
    return {
      id: this.register({ key, kind: 'wearable', transport: 'ble', model: 'unknown', name: key }),
      simulated: false,
    };
  }
}
