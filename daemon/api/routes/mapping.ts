/**
 * /api/v1/mapping: the rules the box is running, changed live (each change is validated as a
 * whole rule and applied at once, and kept across restarts), and the active sound and
 * visualization presets. /api/v1/clock: where the music clock is and what it follows.
 */
import type { z } from '@hono/zod-openapi';
import { ANY, STAFF } from '../access.js';
import type { MusicClock } from '../../clock/music-clock.js';
import type { ApiDeps, RoomView } from '../deps.js';
import { ApiError } from '../errors.js';
import { body, errors, json } from '../openapi-common.js';
import type { ApiRouter } from '../router.js';
import { MappingError } from '../../mapping/live-mapping.js';
import {
  activeIn,
  activeOut,
  clockOut,
  mappingOut,
  presetsOut,
  ruleIdParam,
  ruleIn,
  rulesIn,
} from '../schemas/mapping.js';

function room(deps: ApiDeps): RoomView {
  const r = deps.hardware.room;
  if (!r) throw new ApiError(503, 'unavailable', 'the mapping engine is not running');
  return r;
}

/** Mapping errors become 404 or 422 with the rule's problem in words. */
function mapped<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof MappingError)
      throw new ApiError(
        err.code === 'not_found' ? 404 : 422,
        err.code === 'not_found' ? 'not_found' : 'validation_failed',
        err.message,
      );
    throw err;
  }
}

export function registerMappingRoutes(router: ApiRouter, deps: ApiDeps): void {
  const tags = ['mapping'];
  const view = () => {
    const { mapping } = room(deps);
    return {
      rules: mapping.rules() as unknown as Record<string, unknown>[],
      active: mapping.activePresets(),
      effective_rules: mapping.effective().length,
    };
  };
  router.add(
    {
      method: 'get',
      path: '/api/v1/mapping',
      tags,
      access: STAFF,
      summary: 'The mapping rules running now and the active presets',
      responses: { 200: json(mappingOut, 'rules'), ...errors(401, 403) },
    },
    (c) => c.json(view(), 200),
  );
  router.add(
    {
      method: 'put',
      path: '/api/v1/mapping/rules',
      tags,
      access: STAFF,
      summary: 'Replace every base rule at once (applied immediately, kept across restarts)',
      request: { body: body(rulesIn) },
      responses: { 200: json(mappingOut, 'rules'), ...errors(401, 403, 422) },
    },
    (c, { body: rules }) => {
      mapped(() => room(deps).mapping.replaceRules(rules));
      return c.json(view(), 200);
    },
  );
  router.add(
    {
      method: 'put',
      path: '/api/v1/mapping/rules/{rule}',
      tags,
      access: STAFF,
      summary: "Add a rule, or replace the rule with this id (the body's id must match the path)",
      request: { params: ruleIdParam, body: body(ruleIn) },
      responses: { 200: json(mappingOut, 'rules'), ...errors(401, 403, 422) },
    },
    (c, { params, body: rule }) => {
      if (rule.id !== params.rule)
        throw new ApiError(
          422,
          'validation_failed',
          `body.id: "${rule.id}" does not match the path's rule "${params.rule}"`,
          'body.id',
        );
      mapped(() => room(deps).mapping.putRule(rule));
      return c.json(view(), 200);
    },
  );
  router.add(
    {
      method: 'delete',
      path: '/api/v1/mapping/rules/{rule}',
      tags,
      access: STAFF,
      summary: 'Remove a rule',
      request: { params: ruleIdParam },
      responses: { 200: json(mappingOut, 'rules'), ...errors(401, 403, 404) },
    },
    (c, { params }) => {
      mapped(() => room(deps).mapping.deleteRule(params.rule));
      return c.json(view(), 200);
    },
  );
  router.add(
    {
      method: 'post',
      path: '/api/v1/mapping/reset',
      tags,
      access: STAFF,
      summary: "Back to the config file's rules and presets",
      responses: { 200: json(mappingOut, 'rules'), ...errors(401, 403, 422) },
    },
    (c) => {
      mapped(() => room(deps).mapping.reset());
      return c.json(view(), 200);
    },
  );
  router.add(
    {
      method: 'get',
      path: '/api/v1/mapping/presets',
      tags,
      access: STAFF,
      summary: 'Presets that can be switched to (config and stored sound/visualization presets with rules)',
      responses: { 200: json(presetsOut, 'presets'), ...errors(401, 403) },
    },
    (c) => {
      const { mapping } = room(deps);
      return c.json({ active: mapping.activePresets(), presets: mapping.presets() }, 200);
    },
  );
  router.add(
    {
      method: 'put',
      path: '/api/v1/mapping/active',
      tags,
      access: STAFF,
      summary: 'Switch the active sound and/or visualization preset (also by OSC /codance/preset/{kind})',
      request: { body: body(activeIn) },
      responses: { 200: json(activeOut, 'the active presets'), ...errors(401, 403, 404, 422) },
    },
    (c, { body: change }) => {
      const { mapping } = room(deps);
      mapped(() => {
        if (change.sound !== undefined) mapping.activate('sound', change.sound);
        if (change.visualization !== undefined) mapping.activate('visualization', change.visualization);
      });
      return c.json(mapping.activePresets(), 200);
    },
  );
  router.add(
    {
      method: 'get',
      path: '/api/v1/clock',
      tags: ['clock'],
      access: ANY,
      summary: 'The music clock: tempo, source, and the next beat',
      responses: { 200: json(clockOut, 'the clock'), ...errors(401) },
    },
    (c) => {
      return c.json(clockJson(room(deps).clock), 200);
    },
  );
}

/** The music clock as the API and the console show it. */
export function clockJson(clock: MusicClock): z.output<typeof clockOut> {
  const s = clock.snapshot();
  const now = performance.timeOrigin + performance.now();
  const next = clock.describe(clock.nextBeatAfter(now).index);
  return {
    bpm: Math.round(s.bpm * 100) / 100,
    source: s.source,
    running: s.running,
    live_sources: s.live,
    next_beat: { at: new Date(next.at).toISOString(), count: next.count, in_ms: Math.round(next.at - now) },
    beats_announced: clock.beats,
  };
}
