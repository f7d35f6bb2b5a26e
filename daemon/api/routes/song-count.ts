/**
 * POST /api/v1/songs/{id}/count: "half time" / "double time" in one tap. The song is analysed
 * again at the octave asked for (beats, bars, phrases and sections follow the new count), and
 * the analysis keeps which octave was chosen, so the switch back is the same tap.
 */
import { STAFF } from '../access.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../errors.js';
import { body, errors, idParam, json } from '../openapi-common.js';
import type { ApiRouter } from '../router.js';
import { analysisOut, songCountIn, songDetailOut } from '../schemas/songs.js';
import { songAudio, songRow, updateSongAnalysis } from '../../store/repositories/songs.js';
import { songFile } from '../../playback/song-files.js';

export function registerSongCountRoute(router: ApiRouter, deps: ApiDeps, detail: (id: number) => unknown): void {
  const { sql, songs } = deps;
  router.add(
    {
      method: 'post',
      path: '/api/v1/songs/{id}/count',
      tags: ['songs'],
      access: STAFF,
      summary: 'Count the song at half or double its tempo (analysed again at that octave)',
      request: { params: idParam, body: body(songCountIn) },
      responses: { 200: json(songDetailOut, 'the song with its new analysis'), ...errors(401, 403, 404, 409, 422) },
    },
    async (c, { params, body: input }) => {
      const row = songRow(sql, params.id, ['sha256', 'mime_type', 'analysis']);
      if (!row) throw notFound('song', params.id);
      const now = analysisOut.parse(JSON.parse(row.analysis));
      const octave = (now.octave ?? 0) + (input.count === 'double' ? 1 : -1);
      if (octave < -1 || octave > 1)
        throw new ApiError(
          409,
          'octave_limit',
          `body.count: the song is already counted ${now.octave === 1 ? 'double' : 'half'} as fast as heard; ${input.count} again is not offered`,
          'body.count',
        );
      const file = songFile(songs.cacheDir, row, () => songAudio(sql, params.id));
      const analysis = await songs.analyse(file, now.style, octave as -1 | 0 | 1);
      if (analysis.tempo === null)
        throw new ApiError(
          409,
          'octave_out_of_range',
          `body.count: ${input.count} time is outside the tempo range the ${now.style ?? 'any'} prior counts in`,
          'body.count',
        );
      updateSongAnalysis(sql, params.id, analysis.tempo, JSON.stringify(analysis));
      return c.json(detail(params.id) as never, 200);
    },
  );
}
