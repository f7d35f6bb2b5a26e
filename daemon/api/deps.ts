/** What the API routes need from the daemon, injected (no singletons). */
import type { ApiContext } from './router.js';
import type { Sql } from './sql.js';
import type { Tokens } from './auth/tokens.js';
import type { LoginLimiter } from './auth/login-limiter.js';

export interface ApiDeps {
  sql: Sql;
  tokens: Tokens;
  limiter: LoginLimiter;
  /** The client's address for login throttling (the socket's peer address in the daemon). */
  clientAddress(c: ApiContext): string;
  openRegistration: boolean;
  maxSampleBytes: number;
}
