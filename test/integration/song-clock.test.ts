/**
 * A song the box plays drives the music clock, end to end on the built daemon: a technician
 * imports a real recording (shared/data/audio/bpm-detective, 117 bpm), plays it (silently:
 * ffmpeg's null output, as there is no sound card here), and oscdump receives /codance/beat
 * at the song's tempo with the 8-count stepping; stopping hands the clock back.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFile } from '../helpers/data.js';
import type { DaemonProcess } from '../helpers/daemon-process.js';
import type { Peer } from '../helpers/osc-peers.js';
import { deskDaemon } from '../helpers/technician-daemon.js';
import { waitFor } from '../helpers/wait.js';

let daemon: DaemonProcess;
let dump: Peer;
let base: string;
let auth: Record<string, string>;

/** oscdump prints each immediate message with its arrival time as NTP `seconds.fraction` in hex. */
function beatsFrom(text: string): { t: number; count: number }[] {
  return text
    .split('\n')
    .map((l) => /^([0-9a-f]{8})\.([0-9a-f]{8}) \/codance\/beat i (\d+)/.exec(l.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ t: parseInt(m[1]!, 16) + parseInt(m[2]!, 16) / 2 ** 32, count: Number(m[3]) }));
}

beforeAll(async () => {
  ({ daemon, base, auth, dump } = await deskDaemon(
    ['{id: beat, source: {kind: clock, on: beat}, target: {kind: osc, address: /codance/beat, type: i}}'],
    { username: 'deejay', password: 'spin the night' },
  ));
}, 60_000);

afterAll(async () => {
  daemon.child.kill('SIGTERM');
  await daemon.exited;
  await dump.stop();
});

describe('the song clock source on the running daemon', () => {
  it('imports and analyses a real recording, plays it, and the desk gets beats at its tempo; stop hands the clock back', async () => {
    const form = new FormData();
    form.set('file', new File([readFileSync(dataFile('audio', 'bpm-detective', '117bpm.wav'))], '117bpm.wav'));
    form.set('title', 'bpm-detective 117');
    const up = await fetch(`${base}/api/v1/songs`, { method: 'POST', headers: auth, body: form });
    expect(up.status).toBe(201);
    const song = (await up.json()) as { id: number; tempo: number; analysis: { beats: number[] } };
    expect(Math.abs(song.tempo - 117) / 117).toBeLessThan(0.04);

    type Clock = { source: string; bpm: number };
    const clock = async (): Promise<Clock> =>
      (await (await fetch(`${base}/api/v1/clock`, { headers: auth })).json()) as Clock;
    expect(await clock()).toMatchObject({ source: 'fallback', bpm: 100 });
    const play = await fetch(`${base}/api/v1/playback`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ song_id: song.id }),
    });
    expect(play.status).toBe(200);
    await waitFor(async () => (await clock()).source === 'song', 'the clock to follow the song', 3000, 50);
    const switchedAt = Date.now() / 1000 + 2_208_988_800; // NTP epoch
    expect(Math.abs((await clock()).bpm - 117) / 117).toBeLessThan(0.04);
    // Let the desk hear a few seconds of the song's beats.
    await waitFor(
      () => beatsFrom(dump.output()).filter((b) => b.t > switchedAt + 0.3).length >= 8,
      'eight song beats at the desk',
      8000,
      100,
    );
    const beats = beatsFrom(dump.output()).filter((b) => b.t > switchedAt + 0.3);
    const gaps = beats
      .slice(1)
      .map((b, i) => b.t - beats[i]!.t)
      .sort((a, b) => a - b);
    const median = gaps[Math.floor(gaps.length / 2)]!;
    expect(Math.abs(median - 60 / 117) / (60 / 117), `median beat gap ${median.toFixed(3)} s`).toBeLessThan(0.04);
    for (let i = 1; i < beats.length; i++) expect(beats[i]!.count).toBe((beats[i - 1]!.count % 8) + 1);

    const status = (await (await fetch(`${base}/api/v1/playback`, { headers: auth })).json()) as {
      state: string;
      position_s: number;
    };
    expect(status.state).toBe('playing');
    expect(status.position_s).toBeGreaterThan(2);
    const stop = await fetch(`${base}/api/v1/playback`, { method: 'DELETE', headers: auth });
    expect(await stop.json()).toMatchObject({ state: 'stopped' });
    expect(await clock()).toMatchObject({ source: 'fallback', bpm: 100 });
  });
});
