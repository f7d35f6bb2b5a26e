/**
 * The level model: `npm run train` reproduces its weights and card from the generated songs,
 * the held-out figures beat the prior alone, and the model reads its evidence the right way
 * round on a song whose level is known.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultBeatGrid, normalisedEnvelope } from '../../../models/music/beat-grid.js';
import { OnsetStrength } from '../../../models/music/onset-strength.js';
import { synthSong } from '../../../models/music/synth-songs.js';
import { tempoCandidates } from '../../../models/music/tempo-candidates.js';
import { LEVEL_FEATURES, levelEvidence, levelFeatures } from '../../../models/music/tempo-level.js';
import { TEMPO_LEVEL_WEIGHTS } from '../../../models/music/tempo-level-weights.js';
import { trainTempoLevel } from '../../../models/music/train-tempo-level.js';
import { ROOT } from '../../helpers/daemon-process.js';

const committed = (name: string): string => readFileSync(join(ROOT, 'models/music', name), 'utf8');

describe('tempo level model', () => {
  it('npm run train reproduces the committed weights and card; held out, it beats the prior alone', () => {
    const t = trainTempoLevel();
    expect(t.source).toBe(committed('tempo-level-weights.ts'));
    expect(t.card).toBe(committed('MODEL_CARD.md'));
    expect(t.weights).toHaveLength(LEVEL_FEATURES.length);
    // Floors under the card: 0.778 against 0.63 for the prior alone, 54 held-out songs.
    expect(t.metrics.heldOut.acc1).toBeGreaterThanOrEqual(0.75);
    expect(t.metrics.heldOut.acc1).toBeGreaterThan(t.metrics.heldOutPrior.acc1 + 0.1);
    expect(t.metrics.heldOut.oneTap).toBeGreaterThanOrEqual(0.95);
  }, 120_000);

  it("counts a drum'n'bass song at its tempo where the prior alone halves it", () => {
    const song = synthSong('dnb', 2001, 30);
    const onset = new OnsetStrength();
    const env = onset.push(song.pcm);
    const candidates = tempoCandidates(env, defaultBeatGrid);
    const evidence = levelEvidence(
      levelFeatures(normalisedEnvelope(env), candidates, defaultBeatGrid),
      TEMPO_LEVEL_WEIGHTS,
    );
    const best = candidates[evidence.indexOf(Math.max(...evidence))]!;
    expect(Math.abs(best.bpm - song.bpm) / song.bpm).toBeLessThan(0.04);
    // The prior's own pick (the first candidate) is the half.
    expect(Math.abs(candidates[0]!.bpm * 2 - song.bpm) / song.bpm).toBeLessThan(0.04);
  });
});
