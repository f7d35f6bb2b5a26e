/**
 * The API's route table. Every route goes through `ApiRouter.add`, which takes the route's
 * OpenAPI description (zod schemas that both validate and document) and its `Access`
 * rule; it installs the authorisation middleware and records the rule, so the matrix test
 * can prove every route and a route without a rule cannot exist.
 */
import { OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import type { Access, CurrentUser } from './access.js';
import { ApiError, validationError } from './errors.js';

export interface ApiEnv {
  Variables: { user: CurrentUser | undefined };
}

export type ApiContext = Context<ApiEnv>;

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
type Req<R extends RouteConfig> = NonNullable<R['request']>;
type BodySchema<R extends RouteConfig> =
  Req<R> extends { body: { content: { 'application/json': { schema: infer S } } } }
    ? S
    : Req<R> extends { body: { content: { 'multipart/form-data': { schema: infer S } } } }
      ? S
      : undefined;

export interface Input<R extends RouteConfig> {
  params: Out<Req<R>['params']>;
  query: Out<Req<R>['query']>;
  body: Out<BodySchema<R>>;
}

export type ApiRoute = RouteConfig & { access: Access; extraMiddleware?: MiddlewareHandler<ApiEnv>[] };
export type ApiHandler<R extends RouteConfig> = (c: ApiContext, input: Input<R>) => Response | Promise<Response>;

export interface RouteRule {
  method: string;
  /** OpenAPI style, e.g. `/api/v1/events/{id}` */
  path: string;
  access: Access;
}

export type Authenticate = (c: ApiContext) => Promise<CurrentUser | undefined>;

export class ApiRouter {
  readonly rules: RouteRule[] = [];

  constructor(
    readonly app: OpenAPIHono<ApiEnv>,
    private readonly authenticate: Authenticate,
  ) {}

  add<R extends ApiRoute>(route: R, handler: ApiHandler<R>): void {
    const { access, extraMiddleware = [], ...config } = route;
    this.rules.push({ method: config.method.toUpperCase(), path: config.path, access });
    const security = access === 'public' ? [] : [{ bearer: [] }];
    const rule =
      access === 'public'
        ? 'Anyone.'
        : `Roles: ${access.roles.join(', ')}${access.own?.length ? ` (${access.own.join(', ')}: own records only)` : ''}.`;
    const withDocs = {
      ...config,
      security,
      description: [config.description, `**Access**: ${rule}`].filter(Boolean).join('\n\n'),
      middleware: [this.authorize(access), ...extraMiddleware],
    };
    this.app.openapi(withDocs, ((c: ApiContext) => handler(c, extractInput<R>(c, config))) as never);
  }

  private authorize(access: Access): MiddlewareHandler<ApiEnv> {
    return async (c, next) => {
      const user = await this.authenticate(c);
      c.set('user', user);
      if (access !== 'public') {
        if (!user) {
          c.header('WWW-Authenticate', 'Bearer');
          throw new ApiError(401, 'unauthorized', 'a valid bearer token is required (POST /api/v1/users/token)');
        }
        if (!access.roles.includes(user.role))
          throw new ApiError(
            403,
            'forbidden',
            `this needs the role ${access.roles.join(' or ')}; you are ${user.role}`,
          );
      }
      await next();
    };
  }
}

function extractInput<R extends RouteConfig>(c: ApiContext, config: RouteConfig): Input<R> {
  const req = c.req as unknown as { valid(target: string): unknown };
  const content = config.request?.body?.content;
  const body = content?.['application/json']
    ? req.valid('json')
    : content?.['multipart/form-data']
      ? req.valid('form')
      : undefined;
  return {
    params: config.request?.params ? req.valid('param') : undefined,
    query: config.request?.query ? req.valid('query') : undefined,
    body,
  } as Input<R>;
}

/** Validation failures become one 422 envelope naming the fields (see errors.ts). */
export function newApiApp(): OpenAPIHono<ApiEnv> {
  return new OpenAPIHono<ApiEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.target, result.error);
    },
  });
}

/** The signed-in user of a non-public route (the middleware guarantees one). */
export function userOf(c: ApiContext): CurrentUser {
  const user = c.get('user');
  if (!user) throw new ApiError(401, 'unauthorized', 'a valid bearer token is required');
  return user;
}
