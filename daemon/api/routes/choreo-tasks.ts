/**
 * /api/v1/choreography tasks: generate-from-song and describe queue a persisted task
 * (202 with the task); the tasks are listed, read, cancelled, and their video fetched.
 * Dancers see their own tasks; staff see all. Another dancer's task is 404.
 */
import { choreoTask, choreoTasksOf, insertChoreoTask } from '../../store/repositories/choreo-tasks.js';
import { rowExists } from '../../store/repositories/records.js';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { z } from '@hono/zod-openapi';
import { ANY, isStaff, type CurrentUser } from '../access.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, conflict, notFound } from '../errors.js';
import { body, errors, idParam, json } from '../openapi-common.js';
import { userOf, type ApiRouter } from '../router.js';
import { describeIn, generateIn, paramsOut, taskOut } from '../schemas/choreography.js';
import type { ChoreoTasksTable } from '../../store/schema.js';
import type { Selectable } from 'kysely';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function taskJson(t: Selectable<ChoreoTasksTable>) {
  return {
    id: t.id,
    user_id: t.user_id,
    song_id: t.song_id,
    query: t.query,
    seed: t.seed,
    render: t.render === 1,
    status: t.status,
    progress: t.progress,
    error: t.error,
    attempts: t.attempts,
    blueprint: t.blueprint === null ? null : (JSON.parse(t.blueprint) as z.infer<typeof taskOut>['blueprint']),
    video: t.video_path ? `/api/v1/choreography/tasks/${t.id}/video` : null,
    created_at: iso(t.created_at)!,
    updated_at: iso(t.updated_at)!,
    started_at: iso(t.started_at),
    finished_at: iso(t.finished_at),
  };
}

export function registerChoreoTaskRoutes(router: ApiRouter, deps: ApiDeps): void {
  const { sql } = deps;
  const tags = ['choreography'];
  const tasks = () => {
    if (!deps.choreoTasks) throw new ApiError(503, 'unavailable', 'the choreography task runner is not running');
    return deps.choreoTasks;
  };
  const visible = (user: CurrentUser, id: number) => {
    const t = choreoTask(sql, id);
    if (!t || (!isStaff(user) && t.user_id !== user.id)) throw notFound('task', id);
    return t;
  };
  const queue = (
    user: CurrentUser,
    input: { song_id: number; query: string; seed: number; render: boolean },
    params: object | null = null,
  ) => {
    if (!rowExists(sql, 'songs', input.song_id))
      throw new ApiError(422, 'unknown_reference', `body.song_id: no song with id ${input.song_id}`, 'body.song_id');
    const now = sql.now();
    const id = insertChoreoTask(sql, {
      user_id: user.id,
      song_id: input.song_id,
      query: input.query,
      params: params === null ? null : JSON.stringify(params),
      seed: input.seed,
      render: input.render ? 1 : 0,
      status: 'pending',
      created_at: now,
      updated_at: now,
      started_at: null,
      finished_at: null,
      error: null,
      blueprint: null,
      video_path: null,
    });
    tasks().poke();
    return taskJson(visible(user, id));
  };

  router.add(
    {
      method: 'post',
      path: '/api/v1/choreography/generate-from-song',
      tags,
      access: ANY,
      summary: 'Queue a choreography for a library song: analysis, blueprint and (render) the video, as a task',
      request: { body: body(generateIn) },
      responses: { 202: json(taskOut, 'the queued task'), ...errors(401, 422, 503) },
    },
    (c, { body: input }) => c.json(queue(userOf(c), input), 202),
  );
  router.add(
    {
      method: 'post',
      path: '/api/v1/choreography/describe',
      tags,
      access: ANY,
      summary: 'Queue a choreography described in words (parsed locally) for a library song',
      request: { body: body(describeIn) },
      responses: {
        202: json(z.object({ task: taskOut, params: paramsOut }), 'the queued task and the parameters understood'),
        ...errors(401, 422, 503),
      },
    },
    async (c, { body: input }) => {
      const params = await deps.understand(input.description);
      return c.json(
        {
          task: queue(
            userOf(c),
            { song_id: input.song_id, query: input.description, seed: input.seed, render: input.render },
            params,
          ),
          params,
        },
        202,
      );
    },
  );
  router.add(
    {
      method: 'get',
      path: '/api/v1/choreography/tasks',
      tags,
      access: ANY,
      summary: 'Tasks, newest first (yours; staff see all)',
      request: { query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }) },
      responses: { 200: json(taskOut.array(), 'tasks'), ...errors(401, 422) },
    },
    (c, { query }) => {
      const user = userOf(c);
      return c.json(choreoTasksOf(sql, isStaff(user) ? undefined : user.id, query.limit).map(taskJson), 200);
    },
  );
  router.add(
    {
      method: 'get',
      path: '/api/v1/choreography/tasks/{id}',
      tags,
      access: ANY,
      summary: "A task's stage, progress, and once completed its blueprint and video",
      request: { params: idParam },
      responses: { 200: json(taskOut, 'the task'), ...errors(401, 404, 422) },
    },
    (c, { params }) => c.json(taskJson(visible(userOf(c), params.id)), 200),
  );
  router.add(
    {
      method: 'post',
      path: '/api/v1/choreography/tasks/{id}/cancel',
      tags,
      access: ANY,
      summary: 'Cancel a pending or running task (a running render stops at once)',
      request: { params: idParam },
      responses: { 200: json(taskOut, 'the cancelled task'), ...errors(401, 404, 409, 422) },
    },
    (c, { params }) => {
      const user = userOf(c);
      const t = visible(user, params.id);
      if (!tasks().cancel(params.id)) throw conflict('task_ended', `task ${params.id} has already ended (${t.status})`);
      return c.json(taskJson(visible(user, params.id)), 200);
    },
  );
  router.add(
    {
      method: 'get',
      path: '/api/v1/choreography/tasks/{id}/video',
      tags,
      access: ANY,
      summary: "The task's practice video (MP4)",
      request: { params: idParam },
      responses: { 200: { description: 'video/mp4' }, ...errors(401, 404, 422) },
    },
    (c, { params }) => {
      const t = visible(userOf(c), params.id);
      if (!t.video_path || !existsSync(t.video_path))
        throw new ApiError(
          404,
          'not_found',
          `task ${params.id} has no video${t.status === 'completed' ? '' : ` (it is ${t.status})`}`,
        );
      const size = statSync(t.video_path).size;
      return c.body(Readable.toWeb(createReadStream(t.video_path)) as ReadableStream, 200, {
        'content-type': 'video/mp4',
        'content-length': String(size),
      });
    },
  );
}
