/** Builds the API's dependencies from the configuration and an open store. */
import { peerAddress } from '../http/trusted.js';
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Config } from '../../config/index.js';
import type { Database } from '../store/schema.js';
import { LoginLimiter } from './auth/login-limiter.js';
import { jwtSecret } from './auth/secret.js';
import { Tokens } from './auth/tokens.js';
import type { ApiDeps, HardwareView } from './deps.js';
import type { GestureTeacher } from '../../models/patterns/learn.js';
import type { ApiContext } from './router.js';
import { Sql } from '../store/sql.js';
import { analyseSong } from '../../drivers/media/analyse-song.js';
import { dirname, resolve } from 'node:path';
import { loadMoveLibrary } from '../../config/moves.js';
import { understand } from '../choreography/understand.js';

/** The peer address of the TCP connection (X-Forwarded-For is not trusted: the box is not behind a proxy). */
export function apiDeps(
  config: Pick<Config, 'auth' | 'http' | 'store' | 'playback' | 'choreography'>,
  store: { sqlite: BetterSqlite3.Database; db: Kysely<Database> },
  now: () => number,
  hardware: HardwareView = { health: () => [], haptics: new Map() },
  clientAddress: (c: ApiContext) => string = (c) => peerAddress(c as never),
  gestures?: GestureTeacher,
): ApiDeps & { maxBodyBytes: number } {
  const sql = new Sql(store.sqlite, store.db, now, hardware.changed);
  const secret = jwtSecret(config.auth.jwtSecret, store.sqlite);
  return {
    sql,
    tokens: new Tokens(
      { secret, accessTokenTtlS: config.auth.accessTokenTtlS, refreshTokenTtlS: config.auth.refreshTokenTtlS },
      sql,
    ),
    limiter: new LoginLimiter(config.auth, now),
    clientAddress,
    openRegistration: config.auth.openRegistration,
    maxSampleBytes: config.http.maxSampleBytes,
    songs: {
      cacheDir: resolve(dirname(config.store.path), config.playback.cacheDir),
      maxBytes: config.http.maxSongBytes,
      analyse: (file, style, octave) => analyseSong(file, { ...(style && { style }), ...(octave && { octave }) }),
    },
    maxBodyBytes: config.http.maxBodyBytes,
    hardware,
    gestures,
    moves: loadMoveLibrary(),
    understand: (text) => understand(text, config.choreography.llm),
  };
}
