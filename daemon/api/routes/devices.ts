/**
 * /api/v1/devices: what the technician looks at at 1 a.m. — every wearable, controller and
 * subsystem from the one health registry — and a test pulse for any haptic channel.
 */
import { STAFF } from '../access.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { body, errors, json } from '../openapi-common.js';
import type { ApiRouter } from '../router.js';
import {
  devicesHealthOut,
  hapticControllersOut,
  hapticNameParam,
  hapticPulseIn,
  hapticPulseOut,
} from '../schemas/devices.js';
import type { ComponentHealth } from '../../../drivers/health/registry.js';

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

export function componentJson(c: ComponentHealth, now: number) {
  return {
    id: c.id,
    type: c.type,
    state: c.state,
    detail: c.detail ?? null,
    last_sample_at: iso(c.lastSampleAt),
    last_sample_age_ms: c.lastSampleAt === undefined ? null : Math.max(0, now - c.lastSampleAt),
    battery_percent: c.batteryPercent ?? null,
    rssi: c.rssi ?? null,
    reconnects: c.reconnects ?? 0,
    errors: c.errors ?? {},
    last_error: c.lastError ?? null,
    updated_at: new Date(c.updatedAt).toISOString(),
  };
}

export function registerDeviceRoutes(router: ApiRouter, deps: ApiDeps): void {
  const tags = ['devices'];
  router.add(
    {
      method: 'get',
      path: '/api/v1/devices/health',
      tags,
      access: STAFF,
      summary:
        'Live health of every wearable, haptic controller and subsystem (connected, retrying, last sample age, battery, RSSI, errors by reason)',
      responses: { 200: json(devicesHealthOut, 'the health registry'), ...errors(401, 403) },
    },
    (c) => {
      const now = deps.sql.now();
      const all = deps.hardware.health().map((h) => componentJson(h, now));
      const byState: Record<string, number> = {};
      for (const h of all) if (h.type === 'device') byState[h.state] = (byState[h.state] ?? 0) + 1;
      return c.json(
        {
          devices: all.filter((h) => h.type === 'device'),
          subsystems: all.filter((h) => h.type === 'subsystem'),
          by_state: byState,
        },
        200,
      );
    },
  );
  router.add(
    {
      method: 'get',
      path: '/api/v1/devices/haptics',
      tags,
      access: STAFF,
      summary: 'The configured haptic controllers',
      responses: { 200: json(hapticControllersOut, 'controllers'), ...errors(401, 403) },
    },
    (c) => {
      const health = new Map(deps.hardware.health().map((h) => [h.id, h.state]));
      const controllers = [...deps.hardware.haptics.entries()].map(([name, h]) => ({
        name,
        channels: h.channels,
        state: health.get(h.name) ?? null,
      }));
      return c.json({ controllers }, 200);
    },
  );
  router.add(
    {
      method: 'post',
      path: '/api/v1/devices/haptics/{name}/pulse',
      tags,
      access: STAFF,
      summary:
        'Pulse one channel of a haptic controller (a technician testing a motor); 503 with the reason when it cannot be delivered',
      request: { params: hapticNameParam, body: body(hapticPulseIn) },
      responses: {
        200: json(hapticPulseOut, 'delivered (acknowledged by serial controllers)'),
        ...errors(401, 403, 404, 422, 503),
      },
    },
    async (c, { params, body: input }) => {
      const haptic = deps.hardware.haptics.get(params.name);
      if (!haptic)
        throw new ApiError(
          404,
          'not_found',
          `no haptic controller named "${params.name}" (see GET /api/v1/devices/haptics)`,
        );
      if (input.channel >= haptic.channels)
        throw new ApiError(
          422,
          'validation_failed',
          `body.channel: controller "${params.name}" has channels 0..${haptic.channels - 1}`,
          'body.channel',
        );
      const out = await haptic.pulse({
        channel: input.channel,
        pattern: input.pattern,
        intensity: input.intensity,
        durationMs: input.duration_ms,
      });
      if (!out.ok)
        throw new ApiError(
          503,
          'haptic_unavailable',
          `controller "${params.name}" did not take the pulse: ${out.reason}`,
        );
      return c.json(
        { ok: true as const, latency_ms: Math.round(out.latencyMs * 100) / 100, attempts: out.attempts },
        200,
      );
    },
  );
}
