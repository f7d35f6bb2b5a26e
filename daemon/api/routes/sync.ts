/** /api/v1/sync: cloud sync's status, and "send now" (what `codance sync now` and the console use). */
import { z } from '@hono/zod-openapi';
import { STAFF } from '../access.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { errors, json } from '../openapi-common.js';
import type { ApiRouter } from '../router.js';
import { syncHealthSchema } from '../../http/contracts.js';

const statusOut = syncHealthSchema.openapi('SyncStatus');

export function registerSyncRoutes(router: ApiRouter, deps: ApiDeps): void {
  const tags = ['sync'];
  const sync = () => {
    const s = deps.hardware.sync;
    if (!s) throw new ApiError(503, 'sync_disabled', 'cloud sync is off on this box (sync.enabled)');
    return s;
  };
  router.add(
    {
      method: 'get',
      path: '/api/v1/sync',
      tags,
      summary: 'Cloud sync: backlog (entries, bytes, oldest unsent age), last success, last error',
      access: STAFF,
      responses: { 200: json(statusOut, 'the status'), ...errors(401, 403, 503) },
    },
    (c) => c.json(sync().status(), 200),
  );
  router.add(
    {
      method: 'post',
      path: '/api/v1/sync/now',
      tags,
      summary: 'Send the backlog now, skipping the batching delay and any backoff wait',
      access: STAFF,
      responses: {
        202: json(z.object({ draining: z.boolean(), backlog: z.number() }), 'draining'),
        ...errors(401, 403, 503),
      },
    },
    (c) => {
      const s = sync();
      s.syncNow();
      return c.json({ draining: true, backlog: s.status().backlog.entries }, 202);
    },
  );
}
