/**
 * A choreography danced live on the built daemon: a generated song imported with the Bachata
 * prior, a blueprint planned and saved as a collection, then played with its song; mapping
 * rules with `cue` sources send each move and each count to a real OSC receiver (oscdump),
 * on the song's beats.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DaemonProcess } from '../helpers/daemon-process.js';
import { drumTrack } from '../helpers/drum-track.js';
import type { Peer } from '../helpers/osc-peers.js';
import { deskDaemon } from '../helpers/technician-daemon.js';
import { waitFor } from '../helpers/wait.js';

let daemon: DaemonProcess;
let dump: Peer;
let base: string;
let auth: Record<string, string>;

beforeAll(async () => {
  ({ daemon, base, auth, dump } = await deskDaemon(
    [
      '{id: move, source: {kind: cue, name: choreo.move}, target: {kind: osc, address: /choreo/move}}',
      '{id: count1, source: {kind: cue, name: choreo.count.1}, target: {kind: osc, address: /choreo/one}}',
      '{id: end, source: {kind: cue, name: choreo.end}, target: {kind: osc, address: /choreo/end}}',
    ],
    { username: 'choreo', password: 'dance the night' },
  ));
}, 60_000);

afterAll(async () => {
  daemon.child.kill('SIGTERM');
  await daemon.exited;
  await dump.stop();
});

const times = (text: string, address: string): number[] =>
  text
    .split('\n')
    .map((l) => new RegExp(`^([0-9a-f]{8})\\.([0-9a-f]{8}) ${address.replace(/\//g, '\\/')}\\b`).exec(l.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => parseInt(m[1]!, 16) + parseInt(m[2]!, 16) / 2 ** 32);

describe('a choreography danced live', () => {
  it("plays a saved routine with its song: the desk gets each move and each 8-count's 1 on the song's beats, then the end", async () => {
    const track = drumTrack(
      [
        { bars: 4, bpm: 120, gain: 0.3 },
        { bars: 8, bpm: 120, gain: 1 },
      ],
      { pickupBeats: 2 },
    );
    const form = new FormData();
    form.set('file', new File([track.wav], 'drums.wav', { type: 'audio/wav' }));
    form.set('title', 'Drums at 120');
    form.set('style', 'bachata');
    const song = (await (
      await fetch(`${base}/api/v1/songs`, { method: 'POST', headers: auth, body: form })
    ).json()) as { id: number };
    const plan = await fetch(`${base}/api/v1/choreography/blueprint`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ song_id: song.id, query: 'beginner, 17 seconds', seed: 1 }),
    });
    expect(plan.status).toBe(200);
    const blueprint = (await plan.json()) as { steps: { startS: number }[]; totalCounts: number; startS: number };
    expect(blueprint.totalCounts).toBe(32);
    const saved = (await (
      await fetch(`${base}/api/v1/collections`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Live test', blueprint, song_id: song.id }),
      })
    ).json()) as { id: number };
    const before = dump.output().length;
    const started = await fetch(`${base}/api/v1/choreography/live`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ collection_id: saved.id, with_song: true }),
    });
    expect(started.status, await started.clone().text()).toBe(200);
    expect(((await started.json()) as { state: string }).state).toBe('waiting');
    await waitFor(
      () => times(dump.output().slice(before), '/choreo/end').length > 0 || undefined,
      '/choreo/end at the desk',
      30_000,
      50,
    );
    const out = dump.output().slice(before);
    const moves = times(out, '/choreo/move');
    const ones = times(out, '/choreo/one');
    expect(moves.length).toBe(blueprint.steps.length);
    expect(ones.length).toBe(4); // 32 counts: four 8-counts
    // the 1s are two bars apart at 120 bpm (4 s), within a few ms of each other's grid
    const gaps = ones.slice(1).map((t, i) => t - ones[i]!);
    for (const g of gaps) expect(Math.abs(g - 4)).toBeLessThan(0.05);
    // each move arrives at its own offset in the routine, measured from the first one
    blueprint.steps.forEach((s, i) =>
      expect(Math.abs(moves[i]! - moves[0]! - (s.startS - blueprint.startS)), `move ${i}`).toBeLessThan(0.05),
    );
    const status = (await (await fetch(`${base}/api/v1/choreography/live`, { headers: auth })).json()) as {
      state: string;
      count: number;
    };
    expect(status).toMatchObject({ state: 'finished', count: 32 });
    expect((await fetch(`${base}/api/v1/choreography/live`, { method: 'DELETE', headers: auth })).status).toBe(200);
  }, 60_000);
});
