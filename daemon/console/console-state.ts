/**
 * The console's picture of the box at one moment: devices with who wears them, dancers
 * checked in, the clock, the OSC monitor, presets, sync, playback and live choreography.
 * Read from the live registries plus two small store queries; built once a second per
 * open console, so it must stay cheap (no scans of recorded data).
 */
import { componentJson } from '../api/routes/devices.js';
import { clockJson } from '../api/routes/mapping.js';
import type { ApiDeps } from '../api/deps.js';
import { currentEvent } from '../pipeline/pattern-store.js';
import type { ConsoleState } from './contracts.js';
import type { ConsoleFeed } from './feed.js';

interface StoredDevice {
  id: number;
  device_key: string;
  name: string;
  transport: string;
  user_id: number | null;
  username: string | null;
}

export function buildConsoleState(deps: ApiDeps, feed: ConsoleFeed): ConsoleState {
  const now = deps.sql.now();
  const sqlite = deps.sql.sqlite;
  const stored = sqlite
    .prepare(
      `SELECT d.id, d.device_key, d.name, d.transport, u.id AS user_id, u.username
       FROM devices d
       LEFT JOIN device_assignments a ON a.device_id = d.id AND a.released_at IS NULL
       LEFT JOIN users u ON u.id = a.user_id
       WHERE d.is_active = 1`,
    )
    .all() as StoredDevice[];
  const byKey = new Map(stored.map((d) => [d.device_key, d]));
  const health = deps.hardware.health();
  const devices = health
    .filter((h) => h.type === 'device')
    .map((h) => {
      const d = byKey.get(h.id);
      byKey.delete(h.id);
      return {
        ...componentJson(h, now),
        device_id: d?.id ?? null,
        name: d?.name || h.detail || h.id,
        transport: d?.transport ?? null,
        dancer: d?.user_id != null && d.username ? { id: d.user_id, username: d.username } : null,
      };
    });
  // Stored wearables the daemon has not seen since it started: shown, so they can be assigned.
  for (const d of byKey.values()) {
    devices.push({
      id: d.device_key,
      type: 'device',
      state: 'stopped',
      detail: 'not seen since the daemon started',
      last_sample_at: null,
      last_sample_age_ms: null,
      battery_percent: null,
      rssi: null,
      reconnects: 0,
      errors: {},
      last_error: null,
      updated_at: new Date(now).toISOString(),
      device_id: d.id,
      name: d.name || d.device_key,
      transport: d.transport,
      dancer: d.user_id != null && d.username ? { id: d.user_id, username: d.username } : null,
    });
  }
  devices.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));

  const eventId = currentEvent(sqlite, now);
  const event =
    eventId === null
      ? null
      : (sqlite.prepare('SELECT id, name FROM events WHERE id = ?').get(eventId) as { id: number; name: string });
  const dancers =
    eventId === null
      ? []
      : (
          sqlite
            .prepare(
              `SELECT u.id, u.username, r.checked_in_at, d.device_key AS device
             FROM registrations r JOIN users u ON u.id = r.user_id
             LEFT JOIN device_assignments a ON a.user_id = u.id AND a.released_at IS NULL
             LEFT JOIN devices d ON d.id = a.device_id
             WHERE r.event_id = ? AND r.is_active = 1 AND r.checked_in_at IS NOT NULL AND r.checked_out_at IS NULL
             ORDER BY u.username`,
            )
            .all(eventId) as { id: number; username: string; checked_in_at: number; device: string | null }[]
        ).map((r) => ({ ...r, checked_in_at: new Date(r.checked_in_at).toISOString() }));

  const room = deps.hardware.room;
  return {
    at: now,
    box: { name: feed.box.name, id: feed.box.id() },
    status: feed.status(),
    event,
    devices,
    subsystems: health.filter((h) => h.type === 'subsystem').map((h) => componentJson(h, now)),
    dancers,
    clock: room ? clockJson(room.clock) : null,
    osc: feed.osc(),
    mapping: room ? { active: room.mapping.activePresets(), rules: room.mapping.effective().length } : null,
    sync: deps.hardware.sync?.status() ?? null,
    playback: room?.playback?.status() ?? null,
    live: room?.live?.status() ?? null,
  };
}
