/** /api/v1/choreography: the move library, request understanding and blueprints over a song of the library. */
import { songRow } from '../../store/repositories/songs.js';
import { ANY } from '../access.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../errors.js';
import { body, errors, json } from '../openapi-common.js';
import type { ApiRouter } from '../router.js';
import { blueprintIn, blueprintOut, moveOut, movesQuery, paramsOut, parseQueryIn } from '../schemas/choreography.js';
import { BlueprintError, planBlueprint } from '../../../models/choreography/blueprint.js';
import type { SongAnalysis } from '../../../models/music/song-analysis.js';

export function registerChoreographyRoutes(router: ApiRouter, deps: ApiDeps): void {
  const { sql, moves } = deps;
  const tags = ['choreography'];
  router.add(
    {
      method: 'get',
      path: '/api/v1/choreography/moves',
      tags,
      access: ANY,
      summary: 'The move library (filter by style, highest difficulty, tag)',
      request: { query: movesQuery },
      responses: { 200: json(moveOut.array(), 'moves'), ...errors(401, 422) },
    },
    (c, { query }) =>
      c.json(
        moves.filter(
          (m) =>
            (!query.style || m.styles.includes(query.style)) &&
            (query.max_difficulty === undefined || m.difficulty <= query.max_difficulty) &&
            (!query.tag || m.tags.includes(query.tag)),
        ),
        200,
      ),
  );
  router.add(
    {
      method: 'post',
      path: '/api/v1/choreography/parse-query',
      tags,
      access: ANY,
      summary: 'A request in words → planning parameters (local parser, no network)',
      request: { body: body(parseQueryIn) },
      responses: { 200: json(paramsOut, 'the parameters and the words that set them'), ...errors(401, 422) },
    },
    async (c, { body: input }) => c.json(await deps.understand(input.query), 200),
  );
  router.add(
    {
      method: 'post',
      path: '/api/v1/choreography/blueprint',
      tags,
      access: ANY,
      summary: "Plan a blueprint over a library song's phrases (synchronous; deterministic per seed)",
      request: { body: body(blueprintIn) },
      responses: { 200: json(blueprintOut, 'the blueprint, each move with why'), ...errors(401, 404, 422) },
    },
    async (c, { body: input }) => {
      const row = songRow(sql, input.song_id, ['analysis']);
      if (!row) throw notFound('song', input.song_id);
      const analysis = JSON.parse(row.analysis) as SongAnalysis;
      try {
        return c.json(planBlueprint(analysis, moves, await deps.understand(input.query), input.seed), 200);
      } catch (err) {
        if (err instanceof BlueprintError) throw new ApiError(422, 'cannot_plan', err.message, 'body');
        throw err;
      }
    },
  );
}
