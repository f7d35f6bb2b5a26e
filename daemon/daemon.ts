/**
 * The composition root: builds every service with the factory beside what it runs, in order,
 * each registering its teardown with one `Teardowns` (each step bounded). A failed start
 * undoes what it did; `stop()` is idempotent and bounded.
 */
import { resumeErasures } from './privacy/erase.js';
import { Sql } from './store/sql.js';
import { redact, type Config } from '../config/index.js';
import { Bus } from './bus.js';
import { startCloudSync } from './cloud-sync.js';
import { loggedHealth } from './health.js';
import { openHardware, startDrivers } from './hardware.js';
import { healthStatus } from './http/app.js';
import { startHttp } from './http/http-service.js';
import { Teardowns } from './lifecycle.js';
import type { Logger } from './logger.js';
import { startPipeline } from './pipeline/pipeline-service.js';
import { startRemoteControl } from './remote-control.js';
import { Room } from './room/room.js';
import { connectStore } from './store/on-bus.js';
import { scheduleRetention } from './store/retention.js';
import { startStore } from './store/store-service.js';
import type { Store } from './store/store.js';
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
  private readonly notifier: SystemdNotifier;
  private readonly teardowns: Teardowns;
  private readonly now: () => number;
  private stopping: Promise<void> | undefined;
  /** The running parts, for a process that embeds the daemon (the loaded bench, tests). */
  parts: { bus: Bus; store: Store; room: Room } | undefined;

  constructor(private readonly deps: DaemonDeps) {
    this.now = deps.now ?? Date.now;
    this.notifier = new SystemdNotifier(deps.env ?? process.env, deps.log);
    this.teardowns = new Teardowns(deps.log, TEARDOWN_STEP_MS);
  }

  async start(signal: AbortSignal): Promise<void> {
    const { config, log } = this.deps;
    const { now, teardowns: t } = this;
    const startedAt = now();
    const version = packageVersion();
    log.info({ version, config: redact(config) }, 'codance daemon starting');
    const bus = new Bus((event, err) => log.error({ err, event }, 'bus handler failed'), { defer: ['sample'] });
    // Told on every health transition (MQTT health telemetry listens once it is connected).
    let healthChanged: () => void = () => undefined;
    const health = loggedHealth(log, now, () => healthChanged());
    // A record written outside the batch writer (API, remote command), announced on the bus.
    const changed = (table: string, id: number): void => bus.emit('record', { table, id });
    const core = { bus, health, log, now };
    try {
      await this.notifier.start();
      t.add('systemd-notify', () => this.notifier.close());
      const store = await startStore(config.store, core, signal, t);
      const status = () => healthStatus(store.health() ?? null, health.snapshot(), now());
      const { currentEvent } = connectStore(bus, store, now, t, config.simulation);
      scheduleRetention({ sqlite: store.sqlite, retention: config.retention, now, health, log }, t);
      // An erasure the box stopped in the middle of is finished first thing.
      resumeErasures(new Sql(store.sqlite, store.db, now, changed)).then(
        (n) => n > 0 && log.info({ erasures: n }, 'unfinished erasures completed'),
        (err: unknown) =>
          log.error({ err }, 'completing an unfinished erasure failed; it is tried again at the next start'),
      );

      const hardware = await openHardware(config, core, t);
      const room = new Room({
        ...core,
        config,
        store,
        haptics: hardware.haptics,
        ...(config.simulation.dancers > 0 ? { venueBpm: () => config.simulation.bpm } : {}),
        currentEvent: () => currentEvent.get(),
      });
      store.consent.onRevoked((deviceKey) => room.engine.forget(deviceKey));
      const pipeline = config.pipeline.enabled
        ? await startPipeline(
            {
              ...core,
              config: config.pipeline,
              store,
              tempo: () => room.clock.tempo(),
              currentEvent: () => currentEvent.get(),
            },
            signal,
            t,
          )
        : undefined;
      await room.start(signal, t);
      this.parts = { bus, store, room };

      const sync = await startCloudSync(config.sync, { ...core, store }, signal, t);
      await startRemoteControl(
        {
          ...core,
          config,
          changed,
          boxId: store.boxId,
          version,
          room,
          store,
          sync: sync?.client,
          healthStatus: status,
          onHealthChange: (listener) => (healthChanged = listener),
        },
        signal,
        t,
      );
      const server = await startHttp(
        {
          ...core,
          config,
          version,
          startedAt,
          store,
          room,
          sync,
          status,
          changed,
          haptics: hardware.haptics,
          gestures: pipeline?.gestureTeacher,
        },
        signal,
        t,
      );

      await startDrivers(hardware, signal, t, log);
      await this.notifier.ready(`serving on ${config.http.host}:${server.port}`);
      log.info({ ms: now() - startedAt }, 'codance daemon ready');
    } catch (err) {
      await t.run();
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
}
