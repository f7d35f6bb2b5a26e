/**
 * Access tokens are short-lived HS256 JWTs (hono/jwt); refresh tokens are random opaque
 * strings whose SHA-256 is stored, rotated on every use, with reuse detection per family.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sign, verify } from 'hono/jwt';
import type { Sql } from '../../store/sql.js';
import {
  insertRefreshToken,
  refreshTokenByHash,
  revokeRefreshToken,
  revokeFamily,
  revokeUserTokens,
} from '../../store/repositories/refresh-tokens.js';
import { ApiError } from '../errors.js';
import type { Role } from '../access.js';

export interface TokenPair {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  refresh_token: string;
}

export interface TokenSettings {
  secret: string;
  accessTokenTtlS: number;
  refreshTokenTtlS: number;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const invalid = (): ApiError =>
  new ApiError(401, 'invalid_token', 'the refresh token is invalid, expired or already used; log in again');

export class Tokens {
  constructor(
    private readonly settings: TokenSettings,
    private readonly sql: Sql,
  ) {}

  async issue(user: { id: number; role: Role }, family: string = randomUUID()): Promise<TokenPair> {
    const now = this.sql.now();
    const iat = Math.floor(now / 1000);
    const access = await sign(
      { sub: String(user.id), role: user.role, iat, exp: iat + this.settings.accessTokenTtlS },
      this.settings.secret,
      'HS256',
    );
    const refresh = randomBytes(32).toString('base64url');
    insertRefreshToken(this.sql, {
      token_hash: sha256(refresh),
      family,
      user_id: user.id,
      created_at: now,
      expires_at: now + this.settings.refreshTokenTtlS * 1000,
    });
    return {
      access_token: access,
      token_type: 'bearer',
      expires_in: this.settings.accessTokenTtlS,
      refresh_token: refresh,
    };
  }

  /** The user id of a valid access token, or undefined (expired, forged, malformed). */
  async verifyAccess(token: string): Promise<number | undefined> {
    try {
      const payload = await verify(token, this.settings.secret, 'HS256');
      const id = Number(payload.sub);
      return Number.isSafeInteger(id) && id > 0 ? id : undefined;
    } catch {
      return undefined;
    }
  }

  /** Consumes a refresh token: returns its user and family, revoking it. A replayed token revokes its family. */
  consumeRefresh(token: string): { userId: number; family: string } {
    const { sql } = this;
    const now = sql.now();
    const outcome = sql.tx(() => {
      const row = refreshTokenByHash(sql, sha256(token));
      if (!row || row.expires_at <= now) return undefined;
      if (row.revoked_at !== null) {
        // Someone holds a copy of an already-rotated token: end that whole login.
        // (Returned, not thrown: a throw would roll this revocation back.)
        revokeFamily(sql, row.family, now);
        return undefined;
      }
      revokeRefreshToken(sql, row.id, now);
      return { userId: row.user_id, family: row.family };
    });
    if (!outcome) throw invalid();
    return outcome;
  }

  revokeUser(userId: number): void {
    revokeUserTokens(this.sql, userId, this.sql.now());
  }
}
