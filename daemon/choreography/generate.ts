/**
 * One choreography, start to end: analyse the song (unless its analysis is known), turn the
 * request into parameters, plan the blueprint, and render the practice video. Reports its
 * stage and progress, and stops at once when its signal is aborted (the task runner and the
 * CLI share it).
 */
import type { Move } from '../../config/moves.js';
import { renderChoreoVideo, type VideoResult } from '../../drivers/media/choreo-video.js';
import { analyseSong } from '../../drivers/media/analyse-song.js';
import type { SongAnalysis, SongStyle } from '../../models/music/song-analysis.js';
import { planBlueprint, type Blueprint } from '../../models/choreography/blueprint.js';
import { parseRequest, type ChoreoParams } from '../../models/choreography/request.js';

export type Stage = 'analysing' | 'planning' | 'rendering';

/** Each stage's share of the whole (rendering dominates when there is a video). */
const SPAN: Record<Stage, [number, number]> = { analysing: [0, 0.3], planning: [0.3, 0.35], rendering: [0.35, 1] };

export interface GenerateInput {
  songFile: string;
  /** A stored analysis; analysed afresh when absent or older than the structure (version < 2). */
  analysis?: SongAnalysis;
  style?: SongStyle;
  query: string;
  /** Parameters already understood (e.g. by the model); else `query` is parsed locally. */
  params?: ChoreoParams;
  seed: number;
  moves: Move[];
  /** Render the video to this file, with clips cached in cacheDir. */
  video?: { out: string; cacheDir: string };
}

export interface GenerateResult {
  analysis: SongAnalysis;
  blueprint: Blueprint;
  video?: VideoResult;
}

/** `progress(stage, overall)`: the stage and the fraction of the whole job done, 0..1. */
export async function generateChoreography(
  input: GenerateInput,
  hooks: { progress?: (stage: Stage, overall: number) => void; signal?: AbortSignal } = {},
): Promise<GenerateResult> {
  const { signal } = hooks;
  const report = (stage: Stage, f: number): void =>
    hooks.progress?.(stage, SPAN[stage][0] + f * (SPAN[stage][1] - SPAN[stage][0]));
  report('analysing', 0);
  const style = input.style ?? 'bachata';
  const analysis =
    input.analysis && input.analysis.version >= 2
      ? input.analysis
      : await analyseSong(input.songFile, { style, ...(signal ? { signal } : {}) });
  signal?.throwIfAborted();
  report('planning', 0);
  const blueprint = planBlueprint(analysis, input.moves, input.params ?? parseRequest(input.query), input.seed);
  signal?.throwIfAborted();
  if (!input.video) return { analysis, blueprint };
  report('rendering', 0);
  const clipOf = new Map(input.moves.map((m) => [m.id, m.clip]));
  const video = await renderChoreoVideo({
    steps: blueprint.steps.map((s) => ({
      moveId: s.moveId,
      name: s.name,
      counts: s.counts,
      startCount: s.startCount,
      startS: s.startS,
      endS: s.endS,
      ...(clipOf.get(s.moveId) ? { clip: clipOf.get(s.moveId)! } : {}),
    })),
    song: input.songFile,
    out: input.video.out,
    cacheDir: input.video.cacheDir,
    ...(signal ? { signal } : {}),
    onProgress: (done, total) => report('rendering', done / total),
  });
  return { analysis, blueprint, video };
}
