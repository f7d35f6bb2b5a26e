/**
 * Tempo on the generated validation set (held-out seeds 2000-2002 of every genre, 20 s each;
 * the level model was fitted on seeds 1000-1007)
 * and on the real bpm-detective clips: floors under today's figures, so a regression fails;
 * and the octave offered where the count is at the wrong level (a ballad counted at double time).
 */
import { describe, expect, it } from 'vitest';
import { evaluateTempo } from '../../../daemon/cli/tempo-eval.js';
import { SongAnalyser } from '../../../models/music/song-analysis.js';
import { synthSong } from '../../../models/music/synth-songs.js';
import { dataFile } from '../../helpers/data.js';

describe('tempo figures', () => {
  it('stays above its floors on held-out generated songs and finds every real clip long enough to count', async () => {
    const r = await evaluateTempo({
      perGenre: 3,
      seed: 2000,
      seconds: 20,
      style: 'any',
      data: dataFile('audio', 'bpm-detective'),
    });
    // Measured: Acc1 0.741 (the prior alone: 0.519), Acc2 0.963, one tap 0.963 (27 songs).
    expect(r.synthetic.acc1).toBeGreaterThanOrEqual(0.7);
    expect(r.synthetic.acc2).toBeGreaterThanOrEqual(0.9);
    expect(r.synthetic.oneTap).toBeGreaterThanOrEqual(0.9);
    expect(r.synthetic.byGenre.pop).toMatchObject({ n: 3, acc1: 3 });
    // The count is less sure where it is at the wrong octave.
    expect(r.synthetic.confidenceRight!).toBeGreaterThan(r.synthetic.confidenceOctaveWrong!);
    expect(r.clips!.cases.map((c) => c.bpm)).toEqual([117, 170, 97]);
    expect(r.clips!.acc1).toBe(1);
    expect(r.skipped).toEqual(['90bpm.wav (2.691 s)']);
  });

  it('offers half time for a ballad counted at double time, with less than full confidence', () => {
    const song = synthSong('ballad', 2000, 20);
    const a = new SongAnalyser({ sampleRate: song.sampleRate });
    a.push(song.pcm);
    const r = a.finish(song.pcm.length, song.sampleRate);
    expect(Math.abs(r.tempo! / 2 - song.bpm) / song.bpm).toBeLessThan(0.04);
    expect(r.alternativeTempo).toEqual({ bpm: Math.round((r.tempo! / 2) * 100) / 100, relation: 'half' });
    expect(r.tempoConfidence).toBeGreaterThan(0.5);
    expect(r.tempoConfidence).toBeLessThan(0.8);
  });
});
