/**
 * The move library, request understanding and the blueprint planner: the library's shape and
 * coverage, the parser on typical requests (and negations), and blueprints that keep every hard
 * rule, follow the song's sections, vary, and are deterministic per seed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMoveLibrary, MoveLibraryError, type Move } from '../../../config/moves.js';
import { planBlueprint, BlueprintError } from '../../../models/choreography/blueprint.js';
import { parseRequest } from '../../../models/choreography/request.js';
import { analyseSong } from '../../../drivers/media/analyse-song.js';
import type { SongAnalysis } from '../../../models/music/song-analysis.js';
import { tempDir } from '../../helpers/daemon-process.js';
import { drumTrack, sectionedSong, writeDrumTrack } from '../../helpers/drum-track.js';

let library: Move[];
let song: SongAnalysis;

beforeAll(async () => {
  library = loadMoveLibrary();
  const track = drumTrack(sectionedSong, { pickupBeats: 2 });
  song = await analyseSong(writeDrumTrack(join(tempDir(), 'song.wav'), track), { style: 'bachata' });
}, 30_000);

describe('move library', () => {
  it('holds at least 40 Bachata moves across the three styles, with every kind the issue names', () => {
    expect(library.length).toBeGreaterThanOrEqual(40);
    for (const style of ['dominican', 'sensual', 'moderna'] as const)
      expect(library.filter((m) => m.styles.includes(style)).length, style).toBeGreaterThanOrEqual(15);
    for (const tag of [
      'basic',
      'side',
      'box',
      'turn',
      'cross-body',
      'hammerlock',
      'shadow',
      'dip',
      'body-wave',
      'footwork',
    ])
      expect(
        library.some((m) => m.tags.includes(tag) || m.id.includes(tag)),
        tag,
      ).toBe(true);
    for (const level of [1, 2, 3, 4, 5])
      expect(
        library.some((m) => m.difficulty === level),
        `difficulty ${level}`,
      ).toBe(true);
    // every hold a move ends in is one some move starts in: the planner can always go on
    const starts = new Set(library.map((m) => m.start));
    for (const m of library) expect(starts.has(m.end), `${m.id} ends in ${m.end}`).toBe(true);
  });

  it('refuses a bad library naming the file and the field', () => {
    const file = join(tempDir(), 'bad.yaml');
    writeFileSync(
      file,
      'moves:\n  - { id: x1, name: X, counts: 6, difficulty: 1, energy: 0.5, start: closed, end: nowhere, hands: [], styles: [salsa], tags: [], description: "" }\n',
    );
    expect(() => loadMoveLibrary(file)).toThrow(MoveLibraryError);
    expect(() => loadMoveLibrary(file)).toThrow(/bad\.yaml: moves\.0\.counts.*moves\.0\.end/);
  });
});

describe('request understanding (local, no network)', () => {
  it('turns typical requests into parameters, saying which words set them', () => {
    const a = parseRequest('Romantic beginner routine, slow and smooth');
    expect(a).toMatchObject({
      level: 'beginner',
      maxDifficulty: 2,
      style: null,
      energy: 0.3,
      durationS: null,
      focus: ['romantic', 'smooth'],
      exclude: [],
    });
    expect(a.matched).toMatchObject({ level: ['beginner'], energy: ['slow'] });
    expect(parseRequest('advanced energetic moderna with lots of turns, no dips, 1:30')).toMatchObject({
      level: 'advanced',
      maxDifficulty: 5,
      style: 'moderna',
      energy: 0.8,
      durationS: 90,
      focus: ['turn'],
      exclude: ['dip'],
    });
    expect(parseRequest('intermediate sensual body waves for two minutes')).toMatchObject({
      level: 'intermediate',
      style: 'sensual',
      durationS: 120,
      focus: ['body-wave'],
    });
    expect(parseRequest('a short traditional dominican routine with footwork, without any spins')).toMatchObject({
      style: 'dominican',
      durationS: 60,
      focus: ['footwork'],
      exclude: ['turn'],
    });
    expect(parseRequest('90 seconds please').durationS).toBe(90);
    expect(parseRequest('')).toMatchObject({ level: 'beginner', energy: 0.5, focus: [], exclude: [] });
  });

  it('never throws, whatever the text (fuzz)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const p = parseRequest(text);
        expect(p.maxDifficulty).toBeGreaterThanOrEqual(1);
        expect(p.energy).toBeGreaterThanOrEqual(0);
        expect(p.energy).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });
});

describe('blueprint', () => {
  const byId = (id: string): Move => library.find((m) => m.id === id)!;

  it('keeps every hard rule: hold continuity, difficulty, style, exclusions, the counts filled exactly', () => {
    for (const [text, seed] of [
      ['romantic beginner routine, slow and smooth', 1],
      ['advanced energetic moderna with lots of turns, no dips, 1:30', 2],
      ['intermediate sensual body waves and dips', 3],
      ['dominican footwork party', 4],
    ] as const) {
      const p = parseRequest(text);
      const b = planBlueprint(song, library, p, seed);
      expect(
        b.steps.reduce((n, s) => n + s.counts, 0),
        text,
      ).toBe(b.totalCounts);
      expect(b.steps[0]!.startCount).toBe(0);
      b.steps.forEach((s, i) => {
        const m = byId(s.moveId);
        expect(m.difficulty, text).toBeLessThanOrEqual(p.maxDifficulty);
        if (p.style) expect(m.styles, text).toContain(p.style);
        for (const t of p.exclude) expect(m.tags, `${text}: ${m.id}`).not.toContain(t);
        if (i > 0) {
          expect(s.from, `${text}: ${b.steps[i - 1]!.moveId} → ${s.moveId}`).toBe(b.steps[i - 1]!.to);
          expect(s.startCount).toBe(b.steps[i - 1]!.startCount + b.steps[i - 1]!.counts);
          expect(s.startS).toBeCloseTo(b.steps[i - 1]!.endS, 3);
        }
        expect(s.why.length).toBeGreaterThan(0);
        // no near repeats: a move does not come back within the next three
        expect(
          b.steps.slice(Math.max(0, i - 3), i).map((x) => x.moveId),
          `${text} at ${i}`,
        ).not.toContain(s.moveId);
      });
      if (p.durationS !== null) expect(b.endS - b.startS).toBeLessThanOrEqual(p.durationS + 0.01);
      else expect(b.endS).toBeGreaterThan(song.durationS - 8 * (60 / song.tempo!));
      // starts on the song's first "1"
      expect(b.startS).toBeCloseTo(song.beats[song.firstCountBeat]!, 3);
    }
  });

  it("follows the song's energy: the choruses get livelier moves than the intro and the break", () => {
    const b = planBlueprint(song, library, parseRequest('romantic beginner routine, slow and smooth'), 1);
    const mean = (label: string) => {
      const es = b.steps.filter((s) => s.section === label).map((s) => byId(s.moveId).energy);
      return es.reduce((a, x) => a + x, 0) / es.length;
    };
    expect(mean('chorus')).toBeGreaterThan(mean('intro'));
    expect(mean('chorus')).toBeGreaterThan(mean('break'));
    const focus = b.steps.filter((s) => byId(s.moveId).tags.some((t) => t === 'romantic' || t === 'smooth')).length;
    expect(focus).toBeGreaterThan(0);
  });

  it('is deterministic for a seed, and another seed gives another routine', () => {
    const p = parseRequest('intermediate moderna');
    expect(JSON.stringify(planBlueprint(song, library, p, 42))).toBe(
      JSON.stringify(planBlueprint(song, library, p, 42)),
    );
    const seeds = new Set(
      [1, 2, 3, 4, 5].map((s) =>
        planBlueprint(song, library, p, s)
          .steps.map((x) => x.moveId)
          .join(),
      ),
    );
    expect(seeds.size).toBeGreaterThan(1);
  });

  it('says so when asked for more than the song holds, and says nothing when the length fits', () => {
    const long = planBlueprint(song, library, parseRequest('an intermediate routine of 10 minutes'), 1);
    expect(long.notes).toEqual([
      expect.stringMatching(
        /^asked for 600 s, but the song has \d+\.\d s from its first count: the routine covers \d+\.\d s$/,
      ),
    ]);
    expect(planBlueprint(song, library, parseRequest('an intermediate routine of 30 seconds'), 1).notes).toEqual([]);
  });

  it('says why it cannot plan: no beat, too short, nothing fits', () => {
    expect(() => planBlueprint({ ...song, tempo: null, beats: [] }, library, parseRequest('x'), 1)).toThrow(
      /no steady beat/,
    );
    expect(() => planBlueprint(song, library, { ...parseRequest('x'), durationS: 2 }, 1)).toThrow(/too short/);
    expect(() =>
      planBlueprint(
        song,
        library,
        {
          ...parseRequest('beginner dominican'),
          exclude: ['basic', 'transition', 'turn', 'footwork', 'playful', 'dip', 'romantic', 'side', 'box', 'ending'],
        },
        1,
      ),
    ).toThrow(BlueprintError);
  });
});
