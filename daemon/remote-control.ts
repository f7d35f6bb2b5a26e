/**
 * What the MQTT link does on the box: the remote commands' handlers (switch a preset, start
 * or end an event) and the telemetry it publishes (crowd state as the pipeline makes it, at
 * 1 Hz; device health on every change and every 10 s; sync status every 10 s).
 */
import { eventById, setEventTimes } from './store/repositories/events.js';
import { Sql } from './store/sql.js';
import type { Store } from './store/store.js';
import type { HealthRegistry } from '../drivers/health/registry.js';
import type { CrowdTelemetry } from '../sync/mqtt/contracts.js';
import { CommandFailure, MqttLink, type CommandHandlers } from '../sync/mqtt/mqtt-link.js';
import type { Config } from '../config/index.js';
import type { Teardowns } from './lifecycle.js';
import type { Logger } from './logger.js';
import type { SyncClient } from '../sync/sync-client.js';
import type { Bus } from './bus.js';
import type { Room } from './room/room.js';
import type { CrowdRow } from './bus-events.js';

/** An event started remotely runs until stopped, or at most this long. */
const STARTED_EVENT_MAX_MS = 12 * 3600_000;

export function commandHandlers(room: Room, sql: Sql, now: () => number): CommandHandlers {
  const event = (id: number) => {
    const row = eventById(sql, id);
    if (!row) throw new CommandFailure(`no event with id ${id} on this box`);
    return row;
  };
  const result = (id: number) => {
    const e = event(id);
    return {
      event_id: e.id,
      name: e.name,
      starts_at: new Date(e.starts_at).toISOString(),
      ends_at: new Date(e.ends_at).toISOString(),
    };
  };
  return {
    'preset.switch': ({ kind, name }) => room.mapping.activate(kind, name),
    'event.start': ({ event_id }) => {
      const e = event(event_id);
      const t = now();
      // Announced on the bus once committed (through the Sql's `changed`), as the API's writes are.
      setEventTimes(sql, event_id, t, e.ends_at > t ? e.ends_at : t + STARTED_EVENT_MAX_MS);
      return result(event_id);
    },
    'event.stop': ({ event_id }) => {
      const e = event(event_id);
      const t = now();
      if (e.starts_at > t)
        throw new CommandFailure(
          `event ${event_id} has not started (it starts at ${new Date(e.starts_at).toISOString()})`,
        );
      setEventTimes(sql, event_id, e.starts_at, t);
      return result(event_id);
    },
  };
}

export function crowdTelemetry(row: CrowdRow): CrowdTelemetry {
  const a = row.arousal;
  return {
    at: new Date(row.at).toISOString(),
    event_id: row.eventId,
    bpm: row.bpm,
    active_dancers: row.activeDancers,
    energy: row.energy,
    arousal: a && { mean: a.mean, p10: a.p10, p50: a.p50, p90: a.p90, high_share: a.highShare },
    beat_synchrony: row.beatSynchrony,
    inter_synchrony: row.interSynchrony,
    density: row.density,
  };
}

/** Starts publishing; returns the function that stops it. */
export function publishTelemetry(
  link: MqttLink,
  deps: {
    bus: Bus;
    health: HealthRegistry;
    healthStatus: () => 'ok' | 'degraded' | 'down';
    sync: SyncClient | undefined;
    now: () => number;
    onHealthChange: (listener: () => void) => void;
  },
): () => void {
  const iso = () => new Date(deps.now()).toISOString();
  const health = () =>
    link.telemetry('health', {
      at: iso(),
      status: deps.healthStatus(),
      components: deps.health.snapshot().map((c) => ({
        id: c.id,
        type: c.type,
        state: c.state,
        ...(c.detail !== undefined && { detail: c.detail }),
        ...(c.batteryPercent !== undefined && { battery_percent: c.batteryPercent }),
      })),
    });
  const sync = () => {
    const s = deps.sync?.status();
    if (!s) return;
    link.telemetry('sync', {
      at: iso(),
      state: s.state,
      backlog_entries: s.backlog.entries,
      backlog_bytes: s.backlog.bytes,
      oldest_unsent_age_s: s.backlog.oldestUnsentAgeS,
      last_success_at: s.lastSuccessAt === null ? null : new Date(s.lastSuccessAt).toISOString(),
      last_error: s.lastError,
    });
  };
  const off = deps.bus.on('crowd', (row) => link.telemetry('crowd', crowdTelemetry(row)));
  // Health changes come in bursts (a venue's bands reconnecting): publish at most once a second.
  let pending: NodeJS.Timeout | undefined;
  deps.onHealthChange(() => {
    pending ??= setTimeout(() => {
      pending = undefined;
      health();
    }, 1000);
  });
  const timer = setInterval(() => {
    health();
    sync();
  }, 10_000);
  const first = setTimeout(() => {
    health();
    sync();
  }, 1000);
  return () => {
    off();
    clearInterval(timer);
    clearTimeout(first);
    clearTimeout(pending);
    deps.onHealthChange(() => undefined);
  };
}

export interface RemoteControlDeps {
  config: Pick<Config, 'mqtt' | 'box'>;
  boxId: string;
  version: string;
  room: Room;
  store: Pick<Store, 'sqlite' | 'db'>;
  bus: Bus;
  health: HealthRegistry;
  log: Logger;
  now: () => number;
  sync: SyncClient | undefined;
  healthStatus: () => 'ok' | 'degraded' | 'down';
  onHealthChange: (listener: () => void) => void;
  /** Announces a record a remote command changed (the daemon puts it on the bus). */
  changed: (table: string, id: number) => void;
}

/** The MQTT link, when a broker is configured: presence, signed remote commands, telemetry. */
export async function startRemoteControl(
  deps: RemoteControlDeps,
  signal: AbortSignal,
  teardowns: Teardowns,
): Promise<void> {
  const { config, log, health, now } = deps;
  const m = config.mqtt;
  if (!m.url) return;
  const link = new MqttLink(
    {
      url: m.url,
      username: m.username,
      password: m.password,
      topicPrefix: m.topicPrefix,
      box: config.box.name,
      clientId: `codance-${deps.boxId}`,
      version: deps.version,
      commandSecret: m.commandSecret,
      maxCommandAgeS: m.maxCommandAgeS,
      keepaliveS: m.keepaliveS,
      reconnectMs: m.reconnectMs,
    },
    commandHandlers(deps.room, new Sql(deps.store.sqlite, deps.store.db, now, deps.changed), now),
    {
      state: (state, detail) => health.report('mqtt', { type: 'subsystem', state, detail }),
      command: (ack) =>
        ack.ok
          ? log.info({ command: ack.command, id: ack.id }, 'mqtt command done')
          : log.warn({ command: ack.command, id: ack.id, error: ack.error }, 'mqtt command refused'),
    },
    now,
  );
  await teardowns.start(link, signal);
  const stopTelemetry = publishTelemetry(link, deps);
  // Registered after the link: it stops before the link says goodbye.
  teardowns.add('mqtt-telemetry', stopTelemetry);
}
