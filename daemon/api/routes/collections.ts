/**
 * /api/v1/collections: saved choreographies (a completed task's blueprint, or any blueprint
 * with its song), listed, read, deleted, and counted. Dancers see their own; staff see all.
 * Each save and delete is enqueued for the cloud with the row, in one transaction.
 */
import { choreoTask } from '../../store/repositories/choreo-tasks.js';
import { collectionOf, collectionsOf, insertCollection } from '../../store/repositories/collections.js';
import { deleteRecord, rowExists } from '../../store/repositories/records.js';
import { z } from '@hono/zod-openapi';
import type { Selectable } from 'kysely';
import { ANY, isStaff, type CurrentUser } from '../access.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../errors.js';
import { body, errors, idParam, json } from '../openapi-common.js';
import { userOf, type ApiRouter } from '../router.js';
import type { blueprintOut } from '../schemas/choreography.js';
import { collectionDetailOut, collectionIn, collectionOut, collectionStatsOut } from '../schemas/choreography.js';
import type { CollectionsTable } from '../../store/schema.js';

type Blueprint = z.infer<typeof blueprintOut>;
const iso = (ms: number): string => new Date(ms).toISOString();

function summary(row: Selectable<CollectionsTable>) {
  const b = JSON.parse(row.blueprint) as Blueprint;
  return {
    id: row.id,
    user_id: row.user_id,
    name: row.name,
    description: row.description,
    song_id: row.song_id,
    task_id: row.task_id,
    moves: b.steps.length,
    duration_s: Math.round((b.endS - b.startS) * 10) / 10,
    level: b.params.level,
    style: b.params.style,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

export function registerCollectionRoutes(router: ApiRouter, deps: ApiDeps): void {
  const { sql } = deps;
  const tags = ['collections'];
  /** Staff see everyone's; a dancer their own. */
  const owner = (user: CurrentUser) => (isStaff(user) ? undefined : user.id);
  const visible = (user: CurrentUser, id: number) => {
    const row = collectionOf(sql, id, owner(user));
    if (!row) throw notFound('collection', id);
    return row;
  };

  router.add(
    {
      method: 'get',
      path: '/api/v1/collections',
      tags,
      access: ANY,
      summary: 'Saved choreographies, newest first (yours; staff see all)',
      request: { query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }) },
      responses: { 200: json(collectionOut.array(), 'collections'), ...errors(401, 422) },
    },
    (c, { query }) => c.json(collectionsOf(sql, owner(userOf(c)), query.limit).map(summary), 200),
  );
  router.add(
    {
      method: 'get',
      path: '/api/v1/collections/stats',
      tags,
      access: ANY,
      summary: 'How many, how long, by level and style, the most used moves (yours; staff: all)',
      responses: { 200: json(collectionStatsOut, 'statistics'), ...errors(401) },
    },
    (c) => {
      const rows = collectionsOf(sql, owner(userOf(c)));
      const byLevel: Record<string, number> = {};
      const byStyle: Record<string, number> = {};
      const uses = new Map<string, number>();
      let moves = 0;
      let seconds = 0;
      for (const r of rows) {
        const b = JSON.parse(r.blueprint) as Blueprint;
        byLevel[b.params.level] = (byLevel[b.params.level] ?? 0) + 1;
        const style = b.params.style ?? 'any';
        byStyle[style] = (byStyle[style] ?? 0) + 1;
        moves += b.steps.length;
        seconds += b.endS - b.startS;
        for (const s of b.steps) uses.set(s.moveId, (uses.get(s.moveId) ?? 0) + 1);
      }
      const top = [...uses]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, 10)
        .map(([move, times]) => ({ move, times }));
      return c.json(
        {
          collections: rows.length,
          total_moves: moves,
          mean_duration_s: rows.length ? Math.round((seconds / rows.length) * 10) / 10 : null,
          by_level: byLevel,
          by_style: byStyle,
          top_moves: top,
        },
        200,
      );
    },
  );
  router.add(
    {
      method: 'post',
      path: '/api/v1/collections',
      tags,
      access: ANY,
      summary: "Save a choreography: a completed task's blueprint (task_id) or a blueprint with its song",
      request: { body: body(collectionIn) },
      responses: { 201: json(collectionDetailOut, 'the saved collection'), ...errors(401, 404, 409, 422) },
    },
    (c, { body: input }) => {
      const user = userOf(c);
      let blueprint: string;
      let songId = input.song_id ?? null;
      if (input.task_id !== undefined) {
        const t = choreoTask(sql, input.task_id);
        if (!t || (!isStaff(user) && t.user_id !== user.id))
          throw new ApiError(
            422,
            'unknown_reference',
            `body.task_id: no task with id ${input.task_id}`,
            'body.task_id',
          );
        if (t.status !== 'completed' || !t.blueprint)
          throw new ApiError(
            409,
            'task_not_completed',
            `body.task_id: task ${input.task_id} is ${t.status}; save it once completed`,
            'body.task_id',
          );
        blueprint = t.blueprint;
        songId ??= t.song_id;
      } else {
        blueprint = JSON.stringify(input.blueprint);
      }
      if (songId !== null && !rowExists(sql, 'songs', songId))
        throw new ApiError(422, 'unknown_reference', `body.song_id: no song with id ${songId}`, 'body.song_id');
      const now = sql.now();
      const id = insertCollection(sql, {
        user_id: user.id,
        name: input.name,
        description: input.description ?? null,
        song_id: songId,
        task_id: input.task_id ?? null,
        blueprint,
        created_at: now,
        updated_at: now,
      });
      const row = visible(user, id);
      return c.json({ ...summary(row), blueprint: JSON.parse(row.blueprint) as Blueprint }, 201);
    },
  );
  router.add(
    {
      method: 'get',
      path: '/api/v1/collections/{id}',
      tags,
      access: ANY,
      summary: 'A saved choreography with its blueprint',
      request: { params: idParam },
      responses: { 200: json(collectionDetailOut, 'the collection'), ...errors(401, 404, 422) },
    },
    (c, { params }) => {
      const row = visible(userOf(c), params.id);
      return c.json({ ...summary(row), blueprint: JSON.parse(row.blueprint) as Blueprint }, 200);
    },
  );
  router.add(
    {
      method: 'delete',
      path: '/api/v1/collections/{id}',
      tags,
      access: ANY,
      summary: 'Delete a saved choreography',
      request: { params: idParam },
      responses: { 204: { description: 'deleted' }, ...errors(401, 404, 422) },
    },
    (c, { params }) => {
      visible(userOf(c), params.id);
      deleteRecord(sql, 'collections', params.id);
      return c.body(null, 204);
    },
  );
}
