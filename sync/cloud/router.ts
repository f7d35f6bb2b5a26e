/**
 * The cloud API's router: every route is declared with its access (`public`, `signed-in`,
 * `box`), its OpenAPI description and its handler; the guard resolves the bearer token to a
 * principal before the handler runs. Plain JSON bodies are scanned for depth first.
 */
import { OpenAPIHono, createRoute, type RouteConfig } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { LimiterFactory } from './rate-limits.js';
import type { z } from 'zod';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../json-depth.js';
import type { Accounts, Principal } from './accounts.js';
import * as c from './contracts.js';
import { CloudError, forbidden } from './errors.js';
import type { LimitFunction } from 'p-limit';
import type { Partitions } from './partitions.js';
import type { CloudDatabase } from './schema.js';

export type CloudEnv = { Variables: { principal: Principal | undefined } };
export type Access = 'public' | 'signed-in' | 'box';

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
export const body = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});
export const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((code) => [code, json(c.errorBody, 'error')]));

/** What a group of routes is given. */
export interface CloudRouter {
  app: OpenAPIHono<CloudEnv>;
  db: Kysely<CloudDatabase>;
  /** Where the dashboard's reads go: a streaming replica when given, else the primary (`db`). */
  reads: Kysely<CloudDatabase>;
  /** The day partitions this process has made or seen (PostgreSQL). */
  partitions: Partitions;
  /** Runs a batch's write when one of the few ingest slots is free (p-limit). */
  ingestSlots: LimitFunction;
  accounts: Accounts;
  now: () => number;
  log: { error(obj: object, msg: string): void; info(obj: object, msg: string): void } | undefined;
  /** Makes a rate limit (in the database when instances share it). */
  limiters: LimiterFactory;
  /** Addresses of the load balancers whose X-Forwarded-For is believed. */
  trustedProxies: readonly string[];
  /** The client's address: the TCP peer, or behind a trusted proxy the address it forwarded. */
  peer(ctx: Context<CloudEnv>): string;
  route<R extends RouteConfig>(access: Access, config: R, handler: (ctx: Context<CloudEnv>) => Promise<Response>): void;
  /** The caller; 401 when the request carries no valid token. */
  principal(ctx: Context<CloudEnv>): Principal;
  /** The caller, who must be a dashboard user (403 for a box credential). */
  user(ctx: Context<CloudEnv>): Extract<Principal, { kind: 'user' }>;
}

export function cloudRouter(deps: Omit<CloudRouter, 'app' | 'route' | 'principal' | 'user' | 'peer'>): CloudRouter {
  const { accounts } = deps;
  const app = new OpenAPIHono<CloudEnv>({
    defaultHook: (result) => {
      if (!result.success)
        throw invalid(
          result.target === 'json' ? 'body' : result.target === 'param' ? 'path' : result.target,
          result.error.issues,
        );
    },
  });

  const principal = (ctx: Context<CloudEnv>): Principal => {
    const p = ctx.get('principal');
    if (!p)
      throw new CloudError(
        401,
        'unauthorized',
        'a valid bearer token is required (POST /api/v1/auth/login, or a box credential)',
      );
    return p;
  };
  const user = (ctx: Context<CloudEnv>) => {
    const p = principal(ctx);
    if (p.kind !== 'user') throw forbidden('this needs a dashboard user, not a box credential');
    return p;
  };

  function route<R extends RouteConfig>(
    access: Access,
    config: R,
    handler: (ctx: Context<CloudEnv>) => Promise<Response>,
  ): void {
    const security = access === 'public' ? [] : [{ bearer: [] }];
    const guard = async (ctx: Context<CloudEnv>, next: () => Promise<void>) => {
      const auth = ctx.req.header('authorization');
      const p = await accounts.principal(auth?.match(/^Bearer\s+(\S+)$/i)?.[1]);
      ctx.set('principal', p);
      if (access !== 'public') principal(ctx);
      if (access === 'box' && p?.kind !== 'box') throw forbidden('this needs a box credential (enrol the box first)');
      await next();
    };
    app.openapi(createRoute({ ...config, security, middleware: [guard] as never }), handler as never);
  }

  // Plain JSON bodies are scanned for depth before any route parses them (gzip ingest is scanned after inflating).
  app.use('/api/v1/*', async (ctx, next) => {
    if (!/json/i.test(ctx.req.header('content-type') ?? '') || ctx.req.header('content-encoding')) return next();
    if (nestsDeeperThan(await ctx.req.text(), MAX_JSON_DEPTH))
      throw new CloudError(
        422,
        'too_deep',
        `the JSON body nests deeper than ${MAX_JSON_DEPTH} levels, the limit for request bodies`,
        'body',
      );
    return next();
  });
  return { ...deps, app, route, principal, user, peer: (ctx) => clientAddress(ctx, deps.trustedProxies) };
}

/**
 * The client's address. X-Forwarded-For is believed only from a trusted proxy (anyone else can
 * send it), and then its right-most entry that is not itself a trusted proxy: the address the
 * nearest untrusted hop connected from.
 */
export function clientAddress(ctx: Context<CloudEnv>, trusted: readonly string[]): string {
  const env = ctx.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const socket = env?.incoming?.socket?.remoteAddress ?? 'unknown';
  if (!trusted.includes(socket)) return socket;
  const hops = (ctx.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) if (!trusted.includes(hops[i]!)) return hops[i]!;
  return socket;
}

export function query<T extends z.ZodType>(ctx: Context<CloudEnv>, schema: T): z.output<T> {
  const r = schema.safeParse(ctx.req.query());
  if (r.success) return r.data;
  throw invalid('query', r.error.issues);
}

/** 422 naming the first bad field, e.g. `body.records.0.entity: Invalid option`. */
export function invalid(
  where: string,
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): CloudError {
  const issue = issues[0];
  const path = [where, ...(issue?.path ?? []).map(String)].join('.');
  return new CloudError(422, 'validation_failed', `${path}: ${issue?.message ?? 'invalid'}`, path);
}

export async function limit(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (err) {
    // rate-limiter-flexible rejects with its result when the limit is reached, with an Error when its store failed.
    if (err instanceof Error) throw err;
    throw new CloudError(429, 'too_many_attempts', 'too many attempts; wait 15 minutes');
  }
}
