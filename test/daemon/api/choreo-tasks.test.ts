/**
 * Choreography tasks through the real app and the real runner: a generation queued, moving
 * through its stages to a completed blueprint and a video served as MP4; a running render
 * cancelled; what a dancer may see of others' tasks; and tasks a restart interrupted.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMoveLibrary } from '../../../config/moves.js';
import { TaskRunner } from '../../../daemon/choreography/task-runner.js';
import { Store } from '../../../daemon/store/store.js';
import { apiHarness, type ApiHarness } from '../../helpers/api-app.js';
import { tempDir } from '../../helpers/daemon-process.js';
import { drumTrack } from '../../helpers/drum-track.js';
import { waitFor } from '../../helpers/wait.js';

let h: ApiHarness;
let songId: number;
beforeAll(async () => {
  h = await apiHarness({ http: { maxSongBytes: 32 * 1024 * 1024 } });
  const track = drumTrack(
    [
      { bars: 8, bpm: 130, gain: 0.2 },
      { bars: 32, bpm: 130, gain: 1 },
      { bars: 8, bpm: 130, gain: 0.2 },
    ],
    { pickupBeats: 2 },
  );
  const form = new FormData();
  form.set('file', new File([track.wav], 'drums.wav', { type: 'audio/wav' }));
  form.set('title', 'Drums at 130');
  form.set('style', 'bachata');
  const up = await h.call('/api/v1/songs', { token: h.tokens.technician, form });
  expect(up.status, up.text).toBe(201);
  songId = (up.body as { id: number }).id;
}, 30_000);
afterAll(async () => {
  await h.stop();
});

interface Task {
  id: number;
  status: string;
  progress: number;
  error: string | null;
  video: string | null;
  blueprint: { steps: unknown[] } | null;
  attempts: number;
}
const task = async (id: number, token = h.tokens.dancer): Promise<Task> =>
  (await h.call(`/api/v1/choreography/tasks/${id}`, { token })).body as Task;

describe('choreography tasks', () => {
  it('runs a generation through its stages to a blueprint and an MP4 served by the API', async () => {
    const queued = await h.call('/api/v1/choreography/generate-from-song', {
      method: 'POST',
      token: h.tokens.dancer,
      body: { song_id: songId, query: 'romantic beginner, smooth', seed: 2 },
    });
    expect(queued.status, queued.text).toBe(202);
    const id = (queued.body as Task).id;
    expect(['pending', 'analysing', 'planning', 'rendering']).toContain((queued.body as Task).status);
    const seen = new Set<string>();
    const done = await waitFor(
      async () => {
        const t = await task(id);
        seen.add(t.status);
        return ['completed', 'failed', 'cancelled'].includes(t.status) ? t : undefined;
      },
      'the task to end',
      60_000,
      50,
    );
    expect(done.status, done.error ?? '').toBe('completed');
    expect(done.progress).toBe(1);
    expect(seen.has('rendering')).toBe(true);
    expect(done.blueprint!.steps.length).toBeGreaterThan(5);
    const file = join(tempDir(), 'v.mp4');
    const res = await h.app.request(done.video!, { headers: { authorization: `Bearer ${h.tokens.dancer}` } });
    expect(res.headers.get('content-type')).toBe('video/mp4');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const streams = execFileSync('ffprobe', [
      '-v',
      'error',
      '-show_entries',
      'stream=codec_type',
      '-of',
      'csv=p=0',
      file,
    ])
      .toString()
      .trim()
      .split('\n')
      .sort();
    expect(streams).toEqual(['audio', 'video']);
    // a dancer sees only their own tasks; staff see everyone's
    expect((await h.call(`/api/v1/choreography/tasks/${id}`, { token: h.tokens.other })).status).toBe(404);
    expect(
      ((await h.call('/api/v1/choreography/tasks', { token: h.tokens.other })).body as Task[]).map((t) => t.id),
    ).not.toContain(id);
    expect((await h.call(`/api/v1/choreography/tasks/${id}`, { token: h.tokens.admin })).status).toBe(200);
    const mine = (await h.call('/api/v1/choreography/tasks', { token: h.tokens.dancer })).body as Task[];
    expect(mine.map((t) => t.id)).toContain(id);
  }, 90_000);

  it('cancels a running render at once, and refuses to cancel an ended task', async () => {
    const described = await h.call('/api/v1/choreography/describe', {
      method: 'POST',
      token: h.tokens.dancer,
      body: { description: 'advanced energetic moderna with turns', song_id: songId, seed: 9 },
    });
    expect(described.status, described.text).toBe(202);
    const { task: t, params } = described.body as { task: Task; params: { level: string; style: string } };
    expect(params).toMatchObject({ level: 'advanced', style: 'moderna' });
    await waitFor(
      async () => ['planning', 'rendering'].includes((await task(t.id)).status) || undefined,
      'the task to be running',
      30_000,
      10,
    );
    const cancelled = await h.call(`/api/v1/choreography/tasks/${t.id}/cancel`, {
      method: 'POST',
      token: h.tokens.dancer,
    });
    expect(cancelled.status).toBe(200);
    expect((cancelled.body as Task).status).toBe('cancelled');
    await new Promise((r) => setTimeout(r, 500));
    const after = await task(t.id);
    expect(after.status).toBe('cancelled');
    expect(after.video).toBeNull();
    expect(
      (await h.call(`/api/v1/choreography/tasks/${t.id}/cancel`, { method: 'POST', token: h.tokens.dancer })).status,
    ).toBe(409);
    expect(
      (
        await h.call('/api/v1/choreography/generate-from-song', {
          method: 'POST',
          token: h.tokens.dancer,
          body: { song_id: 99_999 },
        })
      ).status,
    ).toBe(422);
  }, 60_000);
});

describe('tasks across a restart', () => {
  it('runs an interrupted task again from the start once, and fails one interrupted twice, saying so', async () => {
    const dir = tempDir('codance-tasks-');
    const store = new Store({ path: join(dir, 'box.db'), batchMs: 10, maxBatchRows: 100, chunkMs: 1000 });
    await store.start();
    const db = store.sqlite;
    const track = drumTrack([{ bars: 16, bpm: 126, gain: 0.8 }]);
    const now = Date.now();
    const song = Number(
      db
        .prepare(
          `INSERT INTO songs (title, mime_type, size_bytes, sha256, data, duration_s, analysis, created_at, updated_at) VALUES ('d', 'audio/wav', ?, ?, ?, 30, '{"version":1,"durationS":0,"tempo":null,"beats":[],"firstCountBeat":0}', ?, ?)`,
        )
        .run(track.wav.length, 'ab'.repeat(32), Buffer.from(track.wav), now, now).lastInsertRowid,
    );
    const insert = db.prepare(
      `INSERT INTO choreo_tasks (user_id, song_id, query, seed, render, status, attempts, created_at, updated_at) VALUES (NULL, ?, 'beginner', 1, 0, 'rendering', ?, ?, ?)`,
    );
    const once = Number(insert.run(song, 1, now, now).lastInsertRowid);
    const twice = Number(insert.run(song, 2, now, now).lastInsertRowid);
    const runner = new TaskRunner({
      sqlite: db,
      moves: loadMoveLibrary(),
      songCacheDir: join(dir, 'songs'),
      videoDir: join(dir, 'videos'),
      now: Date.now,
      log: { info: () => undefined, warn: () => undefined },
    });
    runner.start();
    try {
      const row = (id: number) =>
        db.prepare('SELECT status, error, attempts, blueprint FROM choreo_tasks WHERE id = ?').get(id) as {
          status: string;
          error: string | null;
          attempts: number;
          blueprint: string | null;
        };
      expect(row(twice)).toMatchObject({ status: 'failed', error: 'interrupted by a restart 2 times' });
      await waitFor(() => row(once).status === 'completed' || undefined, 'the resumed task', 30_000, 20);
      expect(row(once).attempts).toBe(2);
      expect((JSON.parse(row(once).blueprint!) as { steps: unknown[] }).steps.length).toBeGreaterThan(0);
    } finally {
      await runner.stop();
      await store.stop();
    }
  }, 60_000);
});
