/**
 * /api/v1/console: what the technician's console page reads. `state` is the whole picture
 * at once; `stream` sends it again every second plus every crowd state, the chosen dancer's
 * vitals and a log, as Server-Sent Events read with fetch (so the bearer token goes in the
 * Authorization header, never in a URL); `doctor` runs `codance doctor`'s checks in the daemon.
 */
import { logReads } from '../../privacy/reads.js';
import { wearerConsent } from '../../store/repositories/floor.js';
import { z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { STAFF } from '../access.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { errors, json } from '../openapi-common.js';
import { userOf, type ApiRouter } from '../router.js';
import { consoleState, doctorOut } from '../../console/contracts.js';
import { buildConsoleState } from '../../console/console-state.js';
import { streamConsole } from '../../console/console-stream.js';
import { vitalsPermission } from '../../console/vitals-consent.js';
import type { ConsoleFeed } from '../../console/feed.js';

/** A stream ends after this long and the page reconnects, so an expired token stops being served. */
const STREAM_MAX_MS = 10 * 60_000;
const STATE_EVERY_MS = 1000;
/** Writes a slow client has not taken yet; past this, vitals and log lines are dropped for it. */
const MAX_PENDING_WRITES = 200;

const streamQuery = z.object({
  once: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .openapi({ description: 'send one state and end (scripts, checks)' }),
  device: z.string().min(1).max(120).optional().openapi({
    description:
      "the wearable whose vitals to stream (its key, e.g. sim:band-03); its wearer's biometric consent is required",
  }),
});

export function registerConsoleRoutes(router: ApiRouter, deps: ApiDeps): void {
  const tags = ['console'];
  const feed = (): ConsoleFeed => {
    const f = deps.hardware.console;
    if (!f) throw new ApiError(503, 'unavailable', 'the console feed is not running');
    return f;
  };
  router.add(
    {
      method: 'get',
      path: '/api/v1/console/state',
      tags,
      access: STAFF,
      summary:
        "The console's picture of the box: devices and wearers, dancers checked in, clock, OSC monitor, presets, sync, playback, live choreography",
      responses: { 200: json(consoleState, 'the state'), ...errors(401, 403) },
    },
    (c) => c.json(buildConsoleState(deps, feed()), 200),
  );
  router.add(
    {
      method: 'get',
      path: '/api/v1/console/doctor',
      tags,
      access: STAFF,
      summary: "`codance doctor`'s checks, run by the daemon",
      responses: { 200: json(doctorOut, 'the checks'), ...errors(401, 403) },
    },
    async (c) => c.json(await feed().doctor(), 200),
  );
  router.add(
    {
      method: 'get',
      path: '/api/v1/console/stream',
      tags,
      access: STAFF,
      summary:
        'Live console events (text/event-stream): `state` every second, `crowd` per crowd state, `vitals` of the chosen device, `log`',
      description:
        'Each event is `event: NAME` and `data: JSON` (the schemas ConsoleState, and crowd/vitals/log points). The stream ends after 10 minutes; reconnect.',
      request: { query: streamQuery },
      responses: {
        200: { description: 'the event stream', content: { 'text/event-stream': { schema: z.string() } } },
        ...errors(401, 403, 404, 422),
      },
    },
    (c, { query }) => {
      const f = feed();
      let device = query.device;
      if (device !== undefined) {
        const permission = vitalsPermission(deps.sql.sqlite, device);
        if (permission === 'no_device') throw new ApiError(404, 'not_found', `no device ${device}`, 'query.device');
        if (permission === 'no_consent')
          throw new ApiError(
            403,
            'no_consent',
            `the dancer wearing ${device} has not consented to biometric recording`,
            'query.device',
          );
        const wearer = wearerConsent(deps.sql.sqlite, device)?.user_id;
        if (wearer != null) logReads(deps.sql, userOf(c), [{ user_id: wearer }], 'console.vitals', { device });
      }
      return streamSSE(c, async (stream) => {
        if (query.once) {
          await stream.writeSSE({ event: 'state', data: JSON.stringify(buildConsoleState(deps, f)) });
          return;
        }
        let pending = 0;
        const write = (event: string, data: unknown, droppable: boolean): void => {
          if (stream.aborted || stream.closed || (droppable && pending > MAX_PENDING_WRITES)) return;
          pending++;
          stream
            .writeSSE({ event, data: JSON.stringify(data) })
            .catch(() => undefined)
            .finally(() => pending--);
        };
        const off = streamConsole(
          f,
          () => device,
          (event, data) => write(event, data, event !== 'crowd'),
        );
        const sendState = (): void => {
          try {
            // Consent withdrawn (or the band given to someone without it) since the stream began: vitals stop now.
            if (device !== undefined && vitalsPermission(deps.sql.sqlite, device) !== 'ok') {
              write(
                'log',
                {
                  at: Date.now(),
                  kind: 'device',
                  text: `vitals of ${device} stopped: its wearer has not consented to biometric recording`,
                },
                false,
              );
              device = undefined;
            }
            write('state', buildConsoleState(deps, f), false);
          } catch (err) {
            write(
              'log',
              { at: Date.now(), kind: 'device', text: `console state failed: ${(err as Error).message}` },
              true,
            );
          }
        };
        sendState();
        // Unref'd: an open console never holds the daemon up when it stops.
        const timer = setInterval(sendState, STATE_EVERY_MS).unref();
        await new Promise<void>((resolve) => {
          const end = setTimeout(resolve, STREAM_MAX_MS).unref();
          stream.onAbort(() => {
            clearTimeout(end);
            resolve();
          });
        });
        clearInterval(timer);
        off();
      });
    },
  );
}
