/**
 * The box's HTTP server as the daemon runs it: the root routes, /metrics, the API with its
 * task runner, and the console's feed, on `http.host:http.port`.
 */
import type { Config } from '../../config/index.js';
import type { HealthRegistry } from '../../drivers/health/registry.js';
import type { HapticOutput } from '../../drivers/haptic.js';
import { apiDeps } from '../api/setup.js';
import { OscMonitor } from '../console/osc-monitor.js';
import type { Bus } from '../bus.js';
import { startTaskRunner } from '../choreography/task-service.js';
import type { CloudSync } from '../cloud-sync.js';
import { machineDoctorChecks } from '../doctor/checks.js';
import { runChecks } from '../doctor/report.js';
import type { Teardowns } from '../lifecycle.js';
import type { Logger } from '../logger.js';
import type { GestureTeacher } from '../../models/patterns/learn.js';
import type { Room } from '../room/room.js';
import type { Store } from '../store/store.js';
import { createApp } from './app.js';
import { listen, type RunningServer } from './server.js';
import { trustedPeers } from './trusted.js';

export interface HttpServiceDeps {
  config: Config;
  version: string;
  startedAt: number;
  now: () => number;
  log: Logger;
  bus: Bus;
  store: Store;
  health: HealthRegistry;
  room: Room;
  haptics: ReadonlyMap<string, HapticOutput>;
  sync: CloudSync | undefined;
  gestures: GestureTeacher | undefined;
  /** The box's one-word status (the console shows it). */
  status: () => 'ok' | 'degraded' | 'down';
  /** Announces a record written by the API on the bus. */
  changed: (table: string, id: number) => void;
}

export async function startHttp(d: HttpServiceDeps, signal: AbortSignal, teardowns: Teardowns): Promise<RunningServer> {
  const { config, store, health, room, sync, now, log } = d;
  const osc = oscMonitor(config, room, now, teardowns);
  const api = apiDeps(
    config,
    store,
    now,
    {
      health: () => health.snapshot(),
      haptics: d.haptics,
      room,
      console: {
        bus: d.bus,
        box: { name: config.box.name, id: () => store.boxId },
        status: d.status,
        osc: () => osc.snapshot(),
        doctor: () => runChecks(machineDoctorChecks(config)),
      },
      changed: d.changed,
      ...(sync && { sync: sync.client }),
    },
    undefined,
    d.gestures,
  );
  api.choreoTasks = await startTaskRunner(
    { store, moves: api.moves, songCacheDir: api.songs.cacheDir, now, log },
    signal,
    teardowns,
  );
  const { app } = createApp({
    version: d.version,
    boxName: config.box.name,
    boxId: () => store.boxId,
    startedAt: d.startedAt,
    now,
    storeHealth: () => store.health(),
    components: () => health.snapshot(),
    log,
    metrics: [room.metrics, ...(sync ? [sync.metrics] : [])],
    trusted: trustedPeers(config.http.trusted),
    ...(sync && { sync: () => sync.client.status() }),
    api,
  });
  const server = await listen(app, config.http.host, config.http.port);
  teardowns.add('http', () => server.close());
  health.report('http', { type: 'subsystem', state: 'connected', detail: `${config.http.host}:${server.port}` });
  log.info({ host: config.http.host, port: server.port }, 'http listening');
  return server;
}

/** What went to each OSC target, how fast and how late (the console's OSC monitor), read from the room. */
function oscMonitor(config: Config, room: Room, now: () => number, teardowns: Teardowns): OscMonitor {
  const monitor = new OscMonitor(
    config.osc.targets.map((t) => ({
      name: t.name,
      host: t.host,
      port: t.port,
      transport: t.transport,
      counters: () => room.engine.targetCounters(t.name),
    })),
    { sent: () => room.engine.sent.rules(), latency: (target) => room.targetLatency.sorted(target) },
    now,
  );
  // The rate is read on a timer, so it does not depend on who looks.
  const sampler = setInterval(() => monitor.sample(), 1000);
  monitor.sample();
  teardowns.add('osc-monitor', () => clearInterval(sampler));
  return monitor;
}
