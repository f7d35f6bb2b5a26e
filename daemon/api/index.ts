/** Mounts the /api/v1 routes, in an order where static paths precede `{id}` paths. */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { bearerAuthenticator } from './authenticate.js';
import type { ApiDeps } from './deps.js';
import { ApiError } from './errors.js';
import { ApiRouter, type ApiEnv } from './router.js';
import { registerBiometricRoutes } from './routes/biometrics.js';
import { registerDeviceRoutes } from './routes/devices.js';
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
import { registerConsoleRoutes } from './routes/console.js';

export type { ApiDeps } from './deps.js';

export function mountApi(app: OpenAPIHono<ApiEnv>, deps: ApiDeps & { maxBodyBytes: number }): ApiRouter {
  const limit = bodyLimit({
    maxSize: deps.maxBodyBytes,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', `request bodies are limited to ${deps.maxBodyBytes} bytes (http.maxBodyBytes)`);
    },
  });
  app.use('/api/v1/*', async (c, next) => {
    // Uploads have their own, larger limit on their route.
    if (c.req.method === 'POST' && (c.req.path === '/api/v1/sound/samples' || c.req.path === '/api/v1/songs')) return next();
    return limit(c as never, next);
  });
  const router = new ApiRouter(app, bearerAuthenticator(deps.sql, deps.tokens));
  registerUserRoutes(router, deps);
  registerEventRoutes(router, deps);
  registerMovementRoutes(router, deps);
  registerBiometricRoutes(router, deps);
  registerDeviceRoutes(router, deps);
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
