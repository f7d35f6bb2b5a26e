/**
 * Choreography figures on a generated 3-minute Bachata-tempo song: analysis time per minute of
 * audio, blueprint time, and video time cold (no cached clips) and warm (every clip cached).
 */
import { join } from 'node:path';
import { loadMoveLibrary } from '../../config/moves.js';
import { planBlueprint } from '../../models/choreography/blueprint.js';
import { generateChoreography } from '../../daemon/choreography/generate.js';
import { parseRequest } from '../../models/choreography/request.js';
import { analyseSong } from '../../drivers/media/analyse-song.js';
import { tempDir } from '../helpers/daemon-process.js';
import { drumTrack, writeDrumTrack } from '../helpers/drum-track.js';

type Figures = Record<string, { value: number; unit: string }>;

export async function choreographyFigures(median: (fn: () => Promise<number>) => Promise<number>): Promise<Figures> {
  const dir = tempDir('codance-bench-choreo-');
  const bars = (n: number, gain: number, label: string) => ({ bars: n, bpm: 128, gain, label });
  const track = drumTrack([
    bars(8, 0.15, 'intro'),
    bars(24, 0.4, 'verse'),
    bars(28, 1, 'chorus'),
    bars(28, 1, 'chorus'),
    bars(8, 0.15, 'outro'),
  ]);
  const song = writeDrumTrack(join(dir, 'song.wav'), track);
  const minutes = track.durationS / 60;
  const analysisS = await median(async () => {
    const t0 = performance.now();
    await analyseSong(song, { style: 'bachata' });
    return (performance.now() - t0) / 1000;
  });
  const analysis = await analyseSong(song, { style: 'bachata' });
  const moves = loadMoveLibrary();
  const params = parseRequest('romantic beginner routine, slow and smooth');
  const planMs = await median(() => {
    const t0 = performance.now();
    planBlueprint(analysis, moves, params, 1);
    return Promise.resolve(performance.now() - t0);
  });
  const cacheDir = join(dir, 'cache');
  const video = async (): Promise<number> => {
    const t0 = performance.now();
    await generateChoreography({
      songFile: song,
      analysis,
      query: 'romantic beginner routine, slow and smooth',
      seed: 1,
      moves,
      video: { out: join(dir, 'out.mp4'), cacheDir },
    });
    return (performance.now() - t0) / 1000;
  };
  const cold = await video();
  const warm = await median(video);
  return {
    'choreo.analysis_s_per_audio_minute': {
      value: Math.round((analysisS / minutes) * 1000) / 1000,
      unit: `s of analysis per minute of audio (decode, onsets, beats, structure; a ${track.durationS.toFixed(0)} s song)`,
    },
    'choreo.blueprint_ms': {
      value: Math.round(planMs * 10) / 10,
      unit: `ms to plan a blueprint over that song (${moves.length} moves, beam search)`,
    },
    'choreo.video_cold_s': {
      value: Math.round(cold * 100) / 100,
      unit: 's to render its practice video with an empty clip cache (one run)',
    },
    'choreo.video_warm_s': {
      value: Math.round(warm * 100) / 100,
      unit: 's with every clip cached (join and audio only)',
    },
  };
}
