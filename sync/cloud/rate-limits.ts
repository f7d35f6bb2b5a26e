/**
 * The cloud's rate limits (dashboard logins, enrolments), kept in its database so they hold
 * across every cloud instance behind a load balancer: ten wrong passwords are ten, whichever
 * instances they reached. One table (`rate_limits`, made by a migration) for both dialects,
 * through rate-limiter-flexible's PostgreSQL and SQLite stores.
 */
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterSQLite,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { Pool } from 'pg';
import type { CloudDb } from './database.js';

export interface Limit {
  /** Namespace of the keys, e.g. `login`. */
  prefix: string;
  points: number;
  /** Seconds. */
  duration: number;
}

export type LimiterFactory = (l: Limit) => RateLimiterAbstract;

/** In memory: one process only (the in-process tests, a single SQLite cloud). */
export const memoryLimiters: LimiterFactory = (l) =>
  new RateLimiterMemory({ keyPrefix: l.prefix, points: l.points, duration: l.duration });

/** In the cloud's database, shared by every instance on it. */
export function databaseLimiters(cloud: CloudDb): LimiterFactory {
  const raw = cloud.raw;
  return (l) => {
    const common = {
      keyPrefix: l.prefix,
      points: l.points,
      duration: l.duration,
      tableName: 'rate_limits',
      tableCreated: true,
    };
    return raw.kind === 'postgres'
      ? new RateLimiterPostgres({ ...common, storeClient: unnamed(raw.pool), storeType: 'pool' })
      : new RateLimiterSQLite({ ...common, storeClient: raw.sqlite, storeType: 'better-sqlite3' });
  };
}

/**
 * The pool as rate-limiter-flexible uses it, minus statement names: it names its statements,
 * and a named (server-side prepared) statement does not survive pgbouncer's transaction
 * pooling, where the next query may run on another server connection ("prepared statement
 * already exists"). Unnamed, each query is parsed where it runs.
 */
function unnamed(pool: Pool): Pick<Pool, 'query'> {
  return {
    query: ((q: { text: string; values?: unknown[] }) =>
      pool.query({ text: q.text, values: q.values ?? [] })) as Pool['query'],
  };
}
