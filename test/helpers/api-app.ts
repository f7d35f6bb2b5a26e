/**
 * The real app on a real store in a temp dir, with one user per role and their tokens,
 * for driving /api/v1 through `app.request()` (no socket). Records every log line so
 * tests can assert what never reaches the logs.
 */
import { machineDoctorChecks } from '../../daemon/doctor/checks.js';
import { runChecks } from '../../daemon/doctor/report.js';
import { Bus } from '../../daemon/bus.js';
import { LivePlayer } from '../../daemon/choreography/live-player.js';
import { TaskRunner } from '../../daemon/choreography/task-runner.js';
import { SyncClient } from '../../sync/sync-client.js';
import { SqliteOutbox } from '../../daemon/store/outbox.js';
import { dirname, join } from 'node:path';
import { configSchema, type ConfigInput } from '../../config/index.js';
import { LiveMapping } from '../../daemon/mapping/live-mapping.js';
import { MusicClock } from '../../daemon/clock/music-clock.js';
import type { SlotList } from '../../daemon/store/slots.js';
import { Playback } from '../../daemon/playback/playback.js';
import type { Role } from '../../daemon/api/access.js';
import { createUser } from '../../daemon/api/auth/users.js';
import { apiDeps } from '../../daemon/api/setup.js';
import type { Sql } from '../../daemon/store/sql.js';
import { createApp } from '../../daemon/http/app.js';
import type { RouteRule } from '../../daemon/api/router.js';
import { Store } from '../../daemon/store/store.js';
import { HealthRegistry } from '../../drivers/health/registry.js';
import { SerialHapticDriver, serialHapticDefaults } from '../../drivers/serial/serial-haptic-driver.js';
import { SimulatedHapticController, simulatedSerial } from '../../drivers/serial/simulated-controller.js';
import { teacherFor } from '../../models/patterns/learn.js';
import { loadGestureModel } from '../../models/patterns/gesture-model.js';
import { tempDir } from './daemon-process.js';

export type Who = 'anonymous' | Role | 'other';

export const PASSWORD = 'dance-all-night-42';

export interface Call {
  method?: string;
  token?: string | undefined;
  body?: unknown;
  form?: FormData;
  raw?: string;
  headers?: Record<string, string>;
  query?: Record<string, string | number>;
}

export interface Reply {
  status: number;
  body: unknown;
  text: string;
  headers: Headers;
}

export interface ApiHarness {
  app: ReturnType<typeof createApp>['app'];
  rules: RouteRule[];
  sql: Sql;
  store: Store;
  ids: Record<Exclude<Who, 'anonymous'>, number>;
  tokens: Record<Exclude<Who, 'anonymous'>, string>;
  logs: string[];
  call(path: string, init?: Call): Promise<Reply>;
  login(username: string, password?: string, address?: string): Promise<Reply>;
  health: HealthRegistry;
  controller: SimulatedHapticController;
  room: { mapping: LiveMapping; clock: MusicClock; playback: Playback; slots: () => SlotList };
  /** The bus the console stream and the live player listen on. */
  bus: Bus;
  stop(): Promise<void>;
}

export async function apiHarness(overrides: ConfigInput = {}): Promise<ApiHarness> {
  const dir = tempDir('codance-api-');
  const config = configSchema.parse({ ...overrides, store: { path: join(dir, 'box.db') } });
  const store = new Store(config.store);
  await store.start();
  const logs: string[] = [];
  const record = (level: string) => (obj: object, msg: string) =>
    logs.push(
      `${level} ${msg} ${JSON.stringify(obj, (_k, v: unknown) => (v instanceof Error ? { message: v.message, stack: v.stack } : v))}`,
    );
  // The hardware side: one health registry and the simulated haptic controller `npm start` uses.
  const health = new HealthRegistry();
  const controller = new SimulatedHapticController({ channels: 4 });
  const haptic = new SerialHapticDriver(
    { ...serialHapticDefaults, name: 'floor', path: 'sim://floor' },
    health,
    simulatedSerial(controller).open,
  );
  await haptic.start(new AbortController().signal);
  const gesture = await loadGestureModel();
  // The room's API side without its sockets: the live rules and the music clock.
  const clock = new MusicClock({ ...config.clock, mode: config.clock.source }, () => undefined);
  // Songs play silently (ffmpeg's null output): there is no sound card here.
  const playback = new Playback(
    { outputArgs: ['-f', 'null', '-'], latencyMs: 0, beatsPerPhrase: config.clock.beatsPerPhrase },
    clock,
    health,
    Date.now,
  );
  const bus = new Bus(() => undefined);
  const room = {
    mapping: new LiveMapping(config.mapping, store.sqlite, () => undefined),
    clock,
    playback,
    live: new LivePlayer(bus),
    slots: () => store.slots.list(),
  };
  // Cloud sync over the test store, not enrolled and not started: its status is real.
  const sync = new SyncClient(config.sync, new SqliteOutbox(store.sqlite, store.boxId, { pseudonymise: true }));
  // The console's feed: this bus, no OSC targets, and doctor's real checks of this config.
  const consoleFeed = {
    bus,
    box: { name: 'test-box', id: () => store.boxId },
    status: () => 'ok' as const,
    osc: () => [],
    doctor: () => runChecks(machineDoctorChecks(config)),
  };
  const deps = apiDeps(
    config,
    store,
    Date.now,
    { health: () => health.snapshot(), haptics: new Map([['floor', haptic]]), room, sync, console: consoleFeed },
    (c) => c.req.header('x-test-client') ?? '10.0.0.1',
    teacherFor(gesture),
  );
  // The choreography task runner over the same store, as the daemon runs it.
  const runner = new TaskRunner({
    sqlite: store.sqlite,
    moves: deps.moves,
    songCacheDir: deps.songs.cacheDir,
    videoDir: join(dirname(store.path!), 'videos'),
    now: Date.now,
    log: { info: () => undefined, warn: () => undefined },
  });
  runner.start();
  deps.choreoTasks = runner;
  const { app, router } = createApp({
    version: 'test',
    boxName: 'test-box',
    boxId: () => store.boxId,
    startedAt: Date.now(),
    now: Date.now,
    storeHealth: () => store.health(),
    components: () => [],
    log: { error: record('error'), info: record('info'), debug: record('debug') },
    api: deps,
  });
  if (!router) throw new Error('api not mounted');

  const call = async (path: string, init: Call = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    let body: FormData | string | undefined;
    if (init.form) body = init.form;
    else if (init.raw !== undefined) body = init.raw;
    else if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    const qs = init.query
      ? `?${new URLSearchParams(Object.entries(init.query).map(([k, v]): [string, string] => [k, String(v)])).toString()}`
      : '';
    const res = await app.request(path + qs, {
      method: init.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
    });
    // A live event stream never ends by itself: take its first chunk and hang up, as a client leaving.
    const text = res.headers.get('content-type')?.startsWith('text/event-stream')
      ? await firstChunk(res)
      : await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // binary or empty body
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  };

  const ids = {} as ApiHarness['ids'];
  const tokens = {} as ApiHarness['tokens'];
  const accounts: [Exclude<Who, 'anonymous'>, Role][] = [
    ['admin', 'admin'],
    ['technician', 'technician'],
    ['dancer', 'dancer'],
    ['other', 'dancer'],
  ];
  for (const [who, role] of accounts) {
    ids[who] = await createUser(deps.sql, {
      username: who,
      email: `${who}@example.org`,
      password: PASSWORD,
      role,
      consent_biometrics: true,
    });
  }
  const login = (username: string, password = PASSWORD, address = '10.0.0.1'): Promise<Reply> =>
    call('/api/v1/users/token', { body: { username, password }, headers: { 'x-test-client': address } });
  for (const [who] of accounts) {
    const res = await login(who, PASSWORD, `10.1.0.${ids[who]}`);
    tokens[who] = (res.body as { access_token: string }).access_token;
  }

  return {
    app,
    rules: router.rules,
    sql: deps.sql,
    store,
    ids,
    tokens,
    logs,
    call,
    login,
    health,
    controller,
    room,
    bus,
    stop: async () => {
      await gesture.close();
      await runner.stop();
      await playback.stop();
      await haptic.stop();
      await store.stop();
    },
  };
}

async function firstChunk(res: Response): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const { value } = (await reader.read()) as { value?: Uint8Array };
  await reader.cancel();
  return value ? new TextDecoder().decode(value) : '';
}

/** The error of an envelope reply. */
export function errorOf(body: unknown): { code: string; message: string; field?: string } {
  return (body as { error: { code: string; message: string; field?: string } }).error;
}
