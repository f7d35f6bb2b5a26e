/**
 * The console's picture of the box at one moment: devices with who wears them and the output
 * slot they go out under, dancers checked in with their slots, the clock, the OSC monitor, presets, sync, playback and live choreography.
 * Read from the live registries plus two small store queries; built once a second per
 * open console, so it must stay cheap (no scans of recorded data).
 */
import { componentJson } from '../api/routes/devices.js';
import { clockJson } from '../api/routes/mapping.js';
import type { ApiDeps } from '../api/deps.js';
import { currentEvent } from '../store/repositories/events.js';
import { activeDevicesWithWearers, checkedInDancers, eventName } from '../store/repositories/floor.js';
import type { ConsoleState } from './contracts.js';
import type { ConsoleFeed } from './feed.js';

export function buildConsoleState(deps: ApiDeps, feed: ConsoleFeed): ConsoleState {
  const now = deps.sql.now();
  const sqlite = deps.sql.sqlite;
  const stored = activeDevicesWithWearers(sqlite);
  const byKey = new Map(stored.map((d) => [d.device_key, d]));
  const health = deps.hardware.health();
  // Who holds which output slot: by band (its wearer's slot, or its own) and by dancer.
  const slots = deps.hardware.room?.slots?.().slots ?? [];
  const slotOfDevice = new Map(slots.flatMap((x) => x.deviceKeys.map((k) => [k, x.slot] as const)));
  const slotOfUser = new Map(slots.filter((x) => x.userId !== null).map((x) => [x.userId, x.slot] as const));
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
        slot: slotOfDevice.get(h.id) ?? null,
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
      slot: slotOfDevice.get(d.device_key) ?? null,
    });
  }
  devices.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));

  const eventId = currentEvent(sqlite, now);
  const event = eventId === null ? null : (eventName(sqlite, eventId) ?? null);
  const dancers =
    eventId === null
      ? []
      : checkedInDancers(sqlite, eventId).map((r) => ({
          ...r,
          checked_in_at: new Date(r.checked_in_at).toISOString(),
          slot: slotOfUser.get(r.id) ?? null,
        }));

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
