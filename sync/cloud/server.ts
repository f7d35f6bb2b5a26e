/** Runs `codance cloud`: opens and migrates the database, then serves the API until stopped. */
import { serve, type ServerType } from '@hono/node-server';
import { cloudApp } from './app.js';
import { migrateCloud, openCloudDb, type CloudDb } from './database.js';
import { scheduleCloudRetention } from './retention.js';
import { ensureSummaries } from './summary-rebuild.js';
import { databaseLimiters } from './rate-limits.js';
import { sql } from 'kysely';

export interface CloudServerOptions {
  db: string;
  host: string;
  port: number;
  version: string;
  log: { error(obj: object, msg: string): void; info(obj: object, msg: string): void };
  /** Each organisation's retention applied every `everyMs`; the access log kept `auditDays`. */
  retention?: { everyMs: number; auditDays: number };
  now?: () => number;
  /** Load balancers whose X-Forwarded-For is believed. */
  trustedProxies?: readonly string[];
  /** Names this instance in a `Codance-Instance` response header (off when absent). */
  instance?: string;
  /** A PostgreSQL streaming replica of `db` that the dashboard's session pages read from. */
  readReplica?: string;
}

export interface RunningCloud {
  port: number;
  db: CloudDb;
  close(): Promise<void>;
}

export async function startCloud(options: CloudServerOptions): Promise<RunningCloud> {
  const db = openCloudDb(options.db);
  try {
    const applied = await migrateCloud(db);
    const rebuilt = await ensureSummaries(db.db);
    options.log.info({ db: db.where, dialect: db.dialect, applied, rebuilt }, 'cloud database ready');
  } catch (err) {
    await db.close();
    throw err;
  }
  let replica: CloudDb | undefined;
  if (options.readReplica) {
    if (db.dialect !== 'postgres' || !/^postgres(ql)?:\/\//.test(options.readReplica)) {
      await db.close();
      throw new Error(`--read-replica ${options.readReplica}: a replica must be PostgreSQL, of a PostgreSQL --db`);
    }
    replica = openCloudDb(options.readReplica);
    try {
      await sql`SELECT 1`.execute(replica.db);
    } catch (err) {
      await Promise.all([db.close(), replica.close()]);
      throw new Error(`--read-replica ${replica.where} does not answer: ${(err as Error).message}`);
    }
    options.log.info({ replica: replica.where }, "the dashboard's session pages are read from the replica");
  }
  const now = options.now ?? Date.now;
  const app = cloudApp({
    db: db.db,
    ...(replica && { reads: replica.db }),
    version: options.version,
    log: options.log,
    now,
    limiters: databaseLimiters(db),
    trustedProxies: options.trustedProxies ?? [],
    ...(options.instance && { instance: options.instance }),
    ready: async () => {
      await sql`SELECT 1`.execute(db.db);
      if (replica) await sql`SELECT 1`.execute(replica.db);
      return true;
    },
  });
  const retention = options.retention ?? { everyMs: 3_600_000, auditDays: 365 };
  const stopRetention = scheduleCloudRetention(db.db, { now, ...retention }, options.log);
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  options.log.info({ host: options.host, port }, 'codance cloud listening');
  let closing: Promise<void> | undefined;
  return {
    port,
    db,
    close: () =>
      (closing ??= (async () => {
        stopRetention();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
        await Promise.all([db.close(), replica?.close()]);
      })()),
  };
}
