/**
 * The loaded bench's setting: the box's database made ready (an account, an event with movement
 * records to page), its configuration, and the helper that starts the other processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { loadConfig } from '../../config/index.js';
import { Store } from '../../daemon/store/store.js';

export const DANCERS = 200;
export const STREAM_HZ = 60;
export const TSX = ['--import', 'tsx'];
export const USER = { username: 'bench', password: 'bench password 1' };

/**
 * A tsx child, at SCHED_FIFO `fifo` where this process may (root): the measuring receiver (20)
 * stands for a desk on its own machine, so its own wake-up on this shared two-core box is not
 * what is measured (it takes only the measured addresses, so it is light); the floor sender
 * (10) runs at the lane's priority.
 */
export function child(args: string[], fifo?: number): { proc: ChildProcess; next: () => Promise<string> } {
  const rt = fifo !== undefined && process.getuid?.() === 0;
  const cmd = rt ? 'chrt' : process.execPath;
  const argv = rt ? ['--fifo', String(fifo), process.execPath, ...TSX, ...args] : [...TSX, ...args];
  const proc = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'inherit'] });
  let buf = '';
  const waiting: ((line: string) => void)[] = [];
  const ready: string[] = [];
  proc.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const w = waiting.shift();
      if (w) w(line);
      else ready.push(line);
    }
  });
  const next = (): Promise<string> =>
    ready.length > 0 ? Promise.resolve(ready.shift()!) : new Promise((r) => waiting.push(r));
  return { proc, next };
}

/** The box's database before the daemon opens it: an account, an event with 20 000 movement records to page. */
export async function prepareBox(dir: string, configFile: string): Promise<{ boxId: string; eventId: number }> {
  const path = join(dir, 'box.db');
  const store = new Store({ path, batchMs: 50, maxBatchRows: 5000, chunkMs: 1000 });
  await store.start();
  const boxId = store.boxId;
  await store.stop();
  const made = spawn(
    process.execPath,
    [
      ...TSX,
      join(import.meta.dirname, '../../daemon/cli/main.ts'),
      'users',
      'create',
      '--admin',
      '--username',
      USER.username,
      '--email',
      'bench@venue.example',
      '--password-stdin',
    ],
    { env: { ...process.env, CODANCE_CONFIG: configFile }, stdio: ['pipe', 'ignore', 'inherit'] },
  );
  made.stdin.end(`${USER.password}\n`);
  const code = await new Promise((r) => made.once('exit', r));
  if (code !== 0) throw new Error(`users create exited ${String(code)}`);
  const db = new BetterSqlite3(path);
  const userId = (db.prepare('SELECT id FROM users LIMIT 1').get() as { id: number }).id;
  const eventId = Number(
    db
      .prepare(`INSERT INTO events (name, starts_at, ends_at, created_at, updated_at) VALUES ('bench', 0, 1, 0, 0)`)
      .run().lastInsertRowid,
  );
  const insert = db.prepare(
    `INSERT INTO movement_data (event_id, user_id, recorded_at, data_type, coordinates, velocity, acceleration, crowd_density, intensity, source) VALUES (?, ?, ?, 'wrist_summary', '{"x":1.5,"y":2.5}', 0.4, 1.2, 0.3, 0.5, 'sim')`,
  );
  db.transaction(() => {
    for (let i = 0; i < 20_000; i++) insert.run(eventId, userId, 1_700_000_000_000 + i * 100);
  })();
  db.close();
  return { boxId, eventId };
}

/** `receiverPort`: the measuring receiver; `deskPort`: the desk that takes the default address space. */
export function configYaml(dir: string, httpPort: number, receiverPort: number, deskPort: number): string {
  const file = join(dir, 'codance.yaml');
  const measured = { host: '127.0.0.1', port: receiverPort };
  const defaults = loadConfig().mapping.rules;
  const config = {
    http: { port: httpPort },
    store: { path: join(dir, 'box.db') },
    simulation: { dancers: DANCERS, seed: 11, bpm: 124, mood: 0.7 },
    // The cloud listens from the loaded phase on: retry often enough to start draining at once.
    sync: { backoff: { initialMs: 200, maxMs: 1000 } },
    osc: {
      in: { port: 0 },
      query: { port: 0 },
      targets: [
        { name: 'desk', host: '127.0.0.1', port: deskPort },
        { name: 'triggers', ...measured, rules: [] },
        { name: 'stream', ...measured, rules: [], rateHz: STREAM_HZ },
      ],
    },
    mapping: {
      // The default address space to the desk, and the two the bench measures.
      rules: [
        ...defaults,
        {
          id: 'bench-hit',
          source: { kind: 'dancer', signal: 'movement' },
          // The default hit's calibrated threshold.
          scale: defaults.find((r) => r.id === 'dancer-hit')!.scale,
          target: { kind: 'osc', targets: ['triggers'], address: '/bench/hit/{slot}' },
        },
        {
          id: 'bench-stream',
          source: { kind: 'crowd', metric: 'energy' },
          target: { kind: 'osc', targets: ['stream'], address: '/bench/stream' },
        },
      ],
    },
  };
  // JSON is YAML.
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}
