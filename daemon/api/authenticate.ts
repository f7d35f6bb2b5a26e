/** Resolves the bearer token of a request to an active user, reading role and state from the store each time (a disabled account or a changed role takes effect at once). */
import type { CurrentUser } from './access.js';
import type { Tokens } from './auth/tokens.js';
import type { ApiContext, Authenticate } from './router.js';
import type { Sql } from '../store/sql.js';
import { activeUser } from '../store/repositories/users.js';

export function bearerAuthenticator(sql: Sql, tokens: Tokens): Authenticate {
  return async (c: ApiContext): Promise<CurrentUser | undefined> => {
    const match = /^Bearer[ ]+([A-Za-z0-9._~+/=-]{1,4096})$/i.exec(c.req.header('authorization') ?? '');
    const token = match?.[1];
    if (!token) return undefined;
    const id = await tokens.verifyAccess(token);
    if (id === undefined) return undefined;
    return activeUser(sql, id);
  };
}
