/** Runs `codance cloud`: opens and migrates the database, then serves the API until stopped. */
import { serve, type ServerType } from '@hono/node-server';
import { cloudApp } from './app.js';
import { migrateCloud, openCloudDb, type CloudDb } from './database.js';
import { scheduleCloudRetention } from './retention.js';
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
    options.log.info({ db: db.where, dialect: db.dialect, applied }, 'cloud database ready');
  } catch (err) {
    await db.close();
    throw err;
  }
  const now = options.now ?? Date.now;
  const app = cloudApp({
    db: db.db,
    version: options.version,
    log: options.log,
    now,
    limiters: databaseLimiters(db),
    trustedProxies: options.trustedProxies ?? [],
    ...(options.instance && { instance: options.instance }),
    ready: async () => {
      await sql`SELECT 1`.execute(db.db);
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
        await db.close();
      })()),
  };
}
