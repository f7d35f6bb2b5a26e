/** Mounts the /api/v1 routes, in an order where static paths precede `{id}` paths. */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { bearerAuthenticator } from './authenticate.js';
import type { ApiDeps } from './deps.js';
import { ApiError } from './errors.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../sync/json-depth.js';
import { ApiRouter, type ApiEnv } from './router.js';
import { registerBiometricRoutes } from './routes/biometrics.js';
import { registerDeviceRoutes } from './routes/devices.js';
import { registerSlotRoutes } from './routes/slots.js';
import { registerEventRoutes } from './routes/events.js';
import { registerMappingRoutes } from './routes/mapping.js';
import { registerMovementRoutes } from './routes/movement.js';
import { registerOutputRoutes } from './routes/outputs.js';
import { registerSongRoutes } from './routes/songs.js';
import { registerSoundRoutes } from './routes/sound.js';
import { registerSyncRoutes } from './routes/sync.js';
import { registerChoreographyRoutes } from './routes/choreography.js';
import { registerChoreoTaskRoutes } from './routes/choreo-tasks.js';
import { registerCollectionRoutes } from './routes/collections.js';
import { registerChoreoLiveRoutes } from './routes/choreo-live.js';
import { registerUserRoutes } from './routes/users.js';
import { registerDataRightsRoutes } from './routes/data-rights.js';
import { registerConsoleRoutes } from './routes/console.js';

export type { ApiDeps } from './deps.js';

export function mountApi(app: OpenAPIHono<ApiEnv>, deps: ApiDeps & { maxBodyBytes: number }): ApiRouter {
  const limit = bodyLimit({
    maxSize: deps.maxBodyBytes,
    onError: () => {
      throw new ApiError(
        413,
        'payload_too_large',
        `request bodies are limited to ${deps.maxBodyBytes} bytes (http.maxBodyBytes)`,
      );
    },
  });
  // A JSON body is scanned for depth before any route parses it (after the size limit).
  const depth = async (
    c: { req: { header(n: string): string | undefined; text(): Promise<string> } },
    next: () => Promise<void>,
  ) => {
    if (/json/i.test(c.req.header('content-type') ?? '') && nestsDeeperThan(await c.req.text(), MAX_JSON_DEPTH)) {
      throw new ApiError(
        422,
        'too_deep',
        `the JSON body nests deeper than ${MAX_JSON_DEPTH} levels, the limit for request bodies`,
        'body',
      );
    }
    await next();
  };
  app.use('/api/v1/*', async (c, next) => {
    // Uploads (multipart) have their own, larger limit on their route.
    if (c.req.method === 'POST' && (c.req.path === '/api/v1/sound/samples' || c.req.path === '/api/v1/songs'))
      return next();
    return limit(c as never, () => depth(c, next));
  });
  const router = new ApiRouter(app, bearerAuthenticator(deps.sql, deps.tokens));
  registerUserRoutes(router, deps);
  registerDataRightsRoutes(router, deps);
  registerEventRoutes(router, deps);
  registerMovementRoutes(router, deps);
  registerBiometricRoutes(router, deps);
  registerDeviceRoutes(router, deps);
  registerSlotRoutes(router, deps);
  registerMappingRoutes(router, deps);
  registerSoundRoutes(router, deps);
  registerSongRoutes(router, deps);
  registerSyncRoutes(router, deps);
  registerChoreographyRoutes(router, deps);
  registerChoreoTaskRoutes(router, deps);
  registerCollectionRoutes(router, deps);
  registerChoreoLiveRoutes(router, deps);
  registerConsoleRoutes(router, deps);
  registerOutputRoutes(router, deps, 'sound');
  registerOutputRoutes(router, deps, 'visualization');
  return router;
}
