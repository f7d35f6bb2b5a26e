/**
 * /api/v1/choreography/live: play a saved choreography (or a completed task's) against the
 * music clock, as cues for the mapping rules; optionally with its song, started just before
 * the routine's first "1" so the song's grid and the routine line up.
 */
import { choreoTask } from '../../store/repositories/choreo-tasks.js';
import { collectionOf } from '../../store/repositories/collections.js';
import { songAudio, songToPlay } from '../../store/repositories/songs.js';
import { ANY, STAFF, isStaff } from '../access.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { body, errors, json } from '../openapi-common.js';
import { userOf, type ApiRouter } from '../router.js';
import { liveIn, liveOut } from '../schemas/choreography.js';
import { analysisOut } from '../schemas/songs.js';
import type { Blueprint } from '../../../models/choreography/blueprint.js';
import { songFile } from '../../playback/song-files.js';

export function registerChoreoLiveRoutes(router: ApiRouter, deps: ApiDeps): void {
  const { sql, songs } = deps;
  const tags = ['choreography'];
  const live = () => {
    const l = deps.hardware.room?.live;
    if (!l)
      throw new ApiError(503, 'unavailable', 'live playback needs the room (mapping and clock), which is not running');
    return l;
  };
  let songStarted = false;

  router.add(
    {
      method: 'get',
      path: '/api/v1/choreography/live',
      tags,
      access: ANY,
      summary: 'What is being danced live: the routine, its count, the current move',
      responses: { 200: json(liveOut, 'status'), ...errors(401, 503) },
    },
    (c) => c.json(live().status(), 200),
  );
  router.add(
    {
      method: 'put',
      path: '/api/v1/choreography/live',
      tags,
      access: STAFF,
      summary:
        'Play a saved choreography (or a completed task) live from the next 8-count "1", sending its cues to the mapping rules',
      request: { body: body(liveIn) },
      responses: { 200: json(liveOut, 'status'), ...errors(401, 403, 409, 422, 503) },
    },
    async (c, { body: input }) => {
      const user = userOf(c);
      let name: string;
      let blueprint: string | null;
      let songId: number | null;
      if (input.collection_id !== undefined) {
        const row = collectionOf(sql, input.collection_id, isStaff(user) ? undefined : user.id);
        if (!row)
          throw new ApiError(
            422,
            'unknown_reference',
            `body.collection_id: no collection with id ${input.collection_id}`,
            'body.collection_id',
          );
        ({ name, blueprint, song_id: songId } = row);
      } else {
        const row = choreoTask(sql, input.task_id!);
        if (!row)
          throw new ApiError(
            422,
            'unknown_reference',
            `body.task_id: no task with id ${input.task_id}`,
            'body.task_id',
          );
        if (row.status !== 'completed' || !row.blueprint)
          throw new ApiError(
            409,
            'task_not_completed',
            `body.task_id: task ${row.id} is ${row.status}`,
            'body.task_id',
          );
        ({ blueprint, song_id: songId } = row);
        name = `task ${row.id}`;
      }
      const plan = JSON.parse(blueprint!) as Blueprint;
      const player = live();
      if (input.with_song) {
        const playback = deps.hardware.room?.playback;
        if (!playback) throw new ApiError(503, 'unavailable', 'song playback is not running');
        const song = songId === null ? undefined : songToPlay(sql, songId);
        if (!song)
          throw new ApiError(
            409,
            'no_song',
            'this choreography has no song in the library to play with it',
            'body.with_song',
          );
        const file = songFile(songs.cacheDir, song, () => songAudio(sql, song.id));
        // Two beats before the first "1": the clock is on the song's grid when the routine starts.
        await playback.play(
          { id: song.id, title: song.title, file, analysis: analysisOut.parse(JSON.parse(song.analysis)) },
          Math.max(0, plan.startS - (2 * 60) / plan.tempo),
        );
        songStarted = true;
      }
      return c.json(player.play(name, plan), 200);
    },
  );
  router.add(
    {
      method: 'delete',
      path: '/api/v1/choreography/live',
      tags,
      access: STAFF,
      summary: 'Stop the routine (and the song, if it was started with it)',
      responses: { 200: json(liveOut, 'status'), ...errors(401, 403, 503) },
    },
    async (c) => {
      const status = live().stop();
      if (songStarted) {
        songStarted = false;
        await deps.hardware.room?.playback?.stop();
      }
      return c.json(status, 200);
    },
  );
}
