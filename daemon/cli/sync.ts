/**
 * `codance sync enrol|status|now|verify`: what a technician does with cloud sync. They work on
 * the store file directly, so they work whether or not the daemon runs; `now` drains from this
 * process (if the daemon is draining too, the cloud's idempotency makes the overlap harmless,
 * and the cursors only ever move forward).
 */
import { setMeta } from '../store/repositories/box-meta.js';
import { SingleBar } from 'cli-progress';
import type { Kysely } from 'kysely';
import type { Config } from '../../config/index.js';
import { SyncClient } from '../../sync/sync-client.js';
import { openDatabase, type OpenedDatabase } from '../store/database.js';
import { migrateToLatest } from '../store/migrate.js';
import { SqliteOutbox } from '../store/outbox.js';
import { ensureBoxId } from '../store/store.js';

export class SyncCommandError extends Error {}

export async function openStore(
  config: Config,
): Promise<{ opened: OpenedDatabase; outbox: SqliteOutbox; boxId: string }> {
  const opened = openDatabase(config.store.path);
  await migrateToLatest(opened.db as Kysely<unknown>);
  // A box enrolled before its first start gets its id here, as the daemon would make it.
  const boxId = ensureBoxId(opened);
  return { opened, outbox: new SqliteOutbox(opened.sqlite, boxId, { pseudonymise: config.sync.pseudonymise }), boxId };
}

export async function enrol(config: Config, cloud: string, code: string, name: string): Promise<string> {
  let url: URL;
  try {
    url = new URL(cloud);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error();
  } catch {
    throw new SyncCommandError(`--cloud "${cloud}" is not an http(s) URL`);
  }
  const { opened, boxId } = await openStore(config);
  try {
    let res: Response;
    try {
      res = await fetch(new URL('/api/v1/enrol', url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code, box: boxId, name }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      throw new SyncCommandError(
        `cannot reach ${url.origin}: ${(err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message}`,
      );
    }
    const body = (await res.json().catch(() => ({}))) as {
      token?: string;
      venue_id?: number;
      error?: { message?: string };
    };
    if (!res.ok || !body.token)
      throw new SyncCommandError(
        `the cloud refused the enrolment (${res.status}): ${body.error?.message ?? 'no reason given'}`,
      );
    opened.sqlite.transaction(() => {
      setMeta(opened.sqlite, 'cloud_url', url.origin);
      setMeta(opened.sqlite, 'cloud_token', body.token!);
    })();
    return `box ${boxId} enrolled at ${url.origin} (venue ${body.venue_id}); the daemon starts syncing within ${config.sync.maxDelayMs} ms`;
  } finally {
    await opened.close();
  }
}

/** The running daemon's /health on this machine, or undefined when none answers. */
async function daemonHealth(config: Config): Promise<{ sync?: unknown; box?: { name?: string } } | undefined> {
  try {
    const res = await fetch(
      `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${config.http.port}/health`,
      { signal: AbortSignal.timeout(2000) },
    );
    return (await res.json()) as { sync?: unknown; box?: { name?: string } };
  } catch {
    return undefined;
  }
}

/**
 * The name a box enrols under: the running daemon's own `box.name` when one answers (a daemon
 * started with another configuration file than this command found), else the configuration's.
 */
export async function boxName(config: Config): Promise<string> {
  return (await daemonHealth(config))?.box?.name ?? config.box.name;
}

/** The daemon's view if it runs (its /health), else the store's backlog. */
export async function status(config: Config): Promise<{ source: 'daemon' | 'store'; status: unknown }> {
  const health = await daemonHealth(config);
  if (health?.sync) return { source: 'daemon', status: health.sync };
  const { opened, outbox } = await openStore(config);
  try {
    const client = new SyncClient(config.sync, outbox);
    return { source: 'store', status: { ...client.status(), state: 'daemon not running' } };
  } finally {
    await opened.close();
  }
}

export async function syncNow(config: Config, timeoutS: number, progress: boolean): Promise<string> {
  const { opened, outbox } = await openStore(config);
  if (!outbox.credential()) {
    await opened.close();
    throw new SyncCommandError('this box is not enrolled: codance sync enrol --cloud URL --code CODE');
  }
  const client = new SyncClient(config.sync, outbox);
  const start = client.status();
  const total = start.backlog.entries;
  const bar =
    progress && process.stderr.isTTY
      ? new SingleBar({
          format: 'sync [{bar}] {percentage}% | {value}/{total} entries | {state}',
          stream: process.stderr,
        })
      : undefined;
  bar?.start(Math.max(1, total), 0, { state: 'starting' });
  client.start();
  client.syncNow();
  const deadline = Date.now() + timeoutS * 1000;
  let lastLine = '';
  let lastLineAt = 0;
  try {
    for (;;) {
      await new Promise((r) => setTimeout(r, 200));
      const s = client.status();
      const done = Math.max(0, total - s.backlog.entries);
      bar?.setTotal(Math.max(1, done + s.backlog.entries));
      bar?.update(done, { state: s.lastError ? `retrying: ${s.lastError.slice(0, 60)}` : s.state });
      // Without a terminal (a script, the journal): one line a second, and only when something moved.
      const line = `sync: ${s.backlog.entries} entries left (${s.lastError ? `retrying: ${s.lastError}` : s.state})`;
      if (!bar && progress && line !== lastLine && Date.now() - lastLineAt >= 1000) {
        process.stderr.write(`${line}\n`);
        lastLine = line;
        lastLineAt = Date.now();
      }
      if (s.backlog.entries === 0 && !s.draining)
        return `up to date: ${s.sent.records} records in ${s.sent.batches} batches (${s.sent.wireBytes} bytes on the wire) to ${s.cloud}`;
      if (Date.now() > deadline)
        throw new SyncCommandError(
          `gave up after ${timeoutS} s with ${s.backlog.entries} entries left; last error: ${s.lastError ?? 'none'}`,
        );
    }
  } finally {
    bar?.stop();
    await client.stop();
    await opened.close();
  }
}
