/**
 * The composition root: builds every service from the configuration and wires them through
 * the bus. One lifecycle: `start(signal)` brings the box up in order and registers each
 * teardown; a failed start undoes what it did; `stop()` is idempotent and bounded.
 */
import type { Config } from '../config/index.js';
import { redact } from '../config/index.js';
import type { InputDriverDeps } from '../drivers/driver.js';
import { HealthRegistry, type ComponentHealth } from '../drivers/health/registry.js';
import { Recorder } from '../drivers/replay/recording.js';
import { buildHardware, type Hardware } from './hardware.js';
import type { Pipeline } from './pipeline/pipeline.js';
import { Room } from './room/room.js';
import { buildCloudSync, type CloudSync } from './cloud-sync.js';
import { startRemoteControl } from './remote-control.js';
import { dirname, resolve } from 'node:path';
import { TaskRunner } from './choreography/task-runner.js';
import type { ApiDeps } from './api/deps.js';
import { healthStatus } from './http/app.js';
import { machineDoctorChecks } from './doctor/checks.js';
import { runChecks, type DoctorReport } from './doctor/report.js';
import type { ConsoleFeed } from './console/feed.js';
import { scheduleRetention } from './store/retention.js';
import { connectStore } from './store/on-bus.js';
import { startPipeline } from './pipeline/pipeline-service.js';
import type { Embed } from './pipeline/learn-pattern.js';
import { Bus } from './bus.js';
import { apiDeps } from './api/setup.js';
import { createApp } from './http/app.js';
import { trustedPeers } from './http/trusted.js';
import { listen, type RunningServer } from './http/server.js';
import { Teardowns } from './lifecycle.js';
import type { Logger } from './logger.js';
import { Store } from './store/store.js';
import type { CachedRead } from './store/cached-read.js';
import { SystemdNotifier } from './systemd/notify.js';
import { packageVersion } from './version.js';

export interface DaemonDeps {
  config: Config;
  log: Logger;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
}

/** Per-step bound on teardown, so the whole stop fits well inside systemd's and our 5 s. */
const TEARDOWN_STEP_MS = 1500;

export class Daemon {
  readonly bus: Bus;
  readonly health: HealthRegistry;
  readonly store: Store;
  readonly version = packageVersion();
  private readonly notifier: SystemdNotifier;
  private readonly teardowns: Teardowns;
  private server: RunningServer | undefined;
  private stopping: Promise<void> | undefined;
  private readonly now: () => number;
  private recorder: Recorder | undefined;
  private hardware: Hardware | undefined;
  /** The local intelligence (features, models, crowd state), when `pipeline.enabled`. */
  pipeline: Pipeline | undefined;
  private gestureEmbed: Embed | undefined;
  /** The music clock, mapping rules and outputs. */
  room: Room | undefined;
  /** Cloud sync, when `sync.enabled`. */
  sync: CloudSync | undefined;
  /** Told on every health transition (MQTT health telemetry). */
  private healthChanged: () => void = () => undefined;
  /** The event on now: rows are stamped with it; read again when the bus announces an events change. */
  private currentEvent: CachedRead<number | null> | undefined;
  /** Announces a record written outside the batch writer (API, remote command) on the bus. */
  private readonly changed = (table: string, id: number): void => this.bus.emit('record', { table, id });

  constructor(private readonly deps: DaemonDeps) {
    const { config, log } = deps;
    this.now = deps.now ?? Date.now;
    this.bus = new Bus((event, err) => log.error({ err, event }, 'bus handler failed'));
    this.health = new HealthRegistry(this.now, (next, prev) => {
      logTransition(log, next, prev);
      this.healthChanged();
    });
    this.store = new Store(config.store, this.now, {
      // One health transition (and so one log line) per change: the registry logs them.
      writes: (failing, reason) =>
        this.health.report(
          'store',
          failing
            ? {
                type: 'subsystem',
                state: 'error',
                detail: `writes failing: ${reason}; retried every second, samples that do not fit are counted as lost`,
                lastError: reason ?? undefined,
              }
            : { type: 'subsystem', state: 'connected', detail: this.store.path },
        ),
      disk: (level, detail) =>
        this.health.report('disk', { type: 'subsystem', state: level === 'ok' ? 'connected' : 'error', detail }),
    });
    this.notifier = new SystemdNotifier(deps.env ?? process.env, log);
    this.teardowns = new Teardowns(log, TEARDOWN_STEP_MS);
  }

  get httpPort(): number | undefined {
    return this.server?.port;
  }

  async start(signal: AbortSignal): Promise<void> {
    const { config, log } = this.deps;
    const startedAt = this.now();
    log.info({ version: this.version, config: redact(config) }, 'codance daemon starting');
    try {
      await this.notifier.start();
      this.teardowns.add('systemd-notify', () => this.notifier.close());

      await this.store.start(signal);
      this.teardowns.add('store', async () => {
        await this.store.stop();
        if (this.store.lostAtStop > 0)
          log.warn({ rows: this.store.lostAtStop }, 'rows still queued at stop were lost: the disk refused them');
      });
      this.health.report('store', { type: 'subsystem', state: 'connected', detail: this.store.path });
      log.info(
        { path: this.store.path, applied: this.store.migrations?.applied, boxId: this.store.boxId },
        'store ready',
      );

      const { currentEvent } = connectStore(this.bus, this.store, this.now, this.teardowns);
      this.currentEvent = currentEvent;
      scheduleRetention(
        { sqlite: this.store.sqlite, retention: config.retention, now: this.now, health: this.health, log },
        this.teardowns,
      );

      if (config.recording.path) {
        const recorder = new Recorder(config.recording.path);
        await recorder.open();
        this.recorder = recorder;
        this.teardowns.add('recording', () => recorder.close());
        log.info({ path: config.recording.path }, 'recording raw BLE notifications and serial frames');
      }
      const hardware = this.buildHardware();
      const room = this.buildRoom(hardware);
      this.store.consent.onRevoked((deviceKey) => room.engine.forget(deviceKey));
      if (config.pipeline.enabled) {
        const started = await startPipeline(
          {
            config: config.pipeline,
            bus: this.bus,
            store: this.store,
            health: this.health,
            log,
            now: this.now,
            tempo: () => room.clock.tempo(),
            currentEvent: () => currentEvent.get(),
          },
          this.teardowns,
        );
        this.pipeline = started.pipeline;
        this.gestureEmbed = started.gestureEmbed;
      }
      await room.start(signal, this.teardowns);
      this.startSync();
      startRemoteControl(
        {
          config,
          boxId: this.store.boxId,
          version: this.version,
          room,
          sqlite: this.store.sqlite,
          bus: this.bus,
          health: this.health,
          log,
          now: this.now,
          sync: this.sync?.client,
          healthStatus: () => this.healthStatus(),
          onHealthChange: (listener) => (this.healthChanged = listener),
          changed: this.changed,
        },
        this.teardowns,
      );

      const { app } = createApp({
        version: this.version,
        boxName: config.box.name,
        boxId: () => this.store.boxId,
        startedAt,
        now: this.now,
        storeHealth: () => this.store.health(),
        components: () => this.health.snapshot(),
        log,
        metrics: [room.metrics, ...(this.sync ? [this.sync.metrics] : [])],
        trusted: trustedPeers(config.http.trusted),
        ...(this.sync && { sync: () => this.sync!.client.status() }),
        api: this.withTasks(
          apiDeps(
            config,
            this.store,
            this.now,
            {
              health: () => this.health.snapshot(),
              haptics: hardware.haptics,
              room,
              console: this.consoleFeed(room),
              changed: this.changed,
              ...(this.sync && { sync: this.sync.client }),
            },
            undefined,
            this.gestureEmbed,
          ),
        ),
      });
      this.server = await listen(app, config.http.host, config.http.port);
      this.teardowns.add('http', () => this.server?.close());
      this.health.report('http', {
        type: 'subsystem',
        state: 'connected',
        detail: `${config.http.host}:${this.server.port}`,
      });
      log.info({ host: config.http.host, port: this.server.port }, 'http listening');

      for (const driver of [...hardware.inputs, ...hardware.haptics.values()]) {
        try {
          await driver.start(signal);
        } catch (err) {
          // One broken source (an unreadable replay file) must not keep the rest of the box down.
          log.error({ driver: driver.name, err: (err as Error).message }, 'driver failed to start');
          continue;
        }
        this.teardowns.add(`driver:${driver.name}`, () => driver.stop());
      }

      await this.notifier.ready(`serving on ${config.http.host}:${this.server.port}`);
      log.info({ ms: this.now() - startedAt }, 'codance daemon ready');
    } catch (err) {
      await this.teardowns.run();
      throw err;
    }
  }

  /** Idempotent; resolves when every resource is released (each step bounded). */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.deps.log.info('codance daemon stopping');
      await this.notifier.stopping();
      await this.teardowns.run();
      this.deps.log.info('codance daemon stopped');
    })();
    return this.stopping;
  }

  /** The choreography task runner (one generation at a time), resumed from the store at start. */
  private withTasks<T extends ApiDeps>(deps: T): T {
    const dir = dirname(this.store.path!);
    const runner = new TaskRunner({
      sqlite: this.store.sqlite,
      moves: deps.moves,
      songCacheDir: deps.songs.cacheDir,
      videoDir: resolve(dir, 'videos'),
      now: this.now,
      log: this.deps.log,
    });
    runner.start();
    this.teardowns.add('choreography-tasks', () => runner.stop());
    deps.choreoTasks = runner;
    return deps;
  }

  /** Cloud sync: drains the outbox to the enrolled cloud whenever the uplink allows. */
  private startSync(): void {
    const { config, log } = this.deps;
    if (!config.sync.enabled) return;
    const sync = buildCloudSync(config.sync, this.store, this.health, log, this.now);
    sync.client.start();
    this.sync = sync;
    // Registered after the store, so it runs before the store closes.
    this.teardowns.add('sync', () => sync.client.stop());
  }

  /** The box's one-word status (the console and MQTT telemetry show it). */
  private healthStatus(): 'ok' | 'degraded' | 'down' {
    return healthStatus(this.store.health() ?? null, this.health.snapshot(), this.now());
  }

  /** What the console page reads of the running box. */
  private consoleFeed(room: Room): ConsoleFeed {
    const { config } = this.deps;
    return {
      bus: this.bus,
      box: { name: config.box.name, id: () => this.store.boxId },
      status: () => this.healthStatus(),
      osc: () => room.oscMonitor.snapshot(),
      doctor: (): Promise<DoctorReport> => runChecks(machineDoctorChecks(config)),
    };
  }

  private buildRoom(hardware: Hardware): Room {
    const { config, log } = this.deps;
    const venue = hardware.venue;
    const event = this.currentEvent!;
    this.room = new Room({
      config,
      bus: this.bus,
      health: this.health,
      log,
      store: this.store,
      haptics: hardware.haptics,
      ...(venue ? { venueBpm: () => venue.crowd.bpm } : {}),
      currentEvent: () => event.get(),
    });
    return this.room;
  }

  /** The simulated venue, when configured (tests and the console change its tempo and mood). */
  get venue(): Hardware['venue'] {
    return this.hardware?.venue;
  }

  get haptics(): Hardware['haptics'] {
    return this.hardware?.haptics ?? new Map();
  }

  private buildHardware(): Hardware {
    const { config, log } = this.deps;
    const driverDeps: InputDriverDeps = {
      emit: (s) => this.bus.emit('sample', s),
      announce: (d) => this.bus.emit('device', d),
      health: this.health,
    };
    if (config.simulation.dancers > 0) {
      // Simulation is only ever on because the configuration says so (never a silent fallback).
      log.warn({ dancers: config.simulation.dancers }, 'simulated venue enabled (simulation.dancers > 0)');
    }
    const recorder = this.recorder;
    this.hardware = buildHardware(config, driverDeps, recorder && ((e) => recorder.write(e)), (e) =>
      this.bus.emit('clock', e),
    );
    return this.hardware;
  }
}

/** One log line per state change of a device or subsystem: what a technician greps for. */
function logTransition(log: Logger, next: ComponentHealth, prev: ComponentHealth | undefined): void {
  const fields = { component: next.id, state: next.state, from: prev?.state, detail: next.detail };
  if (next.state === 'retrying' || next.state === 'error' || next.state === 'unavailable')
    log.warn(fields, `${next.id} ${next.state}`);
  else log.info(fields, `${next.id} ${next.state}`);
}
