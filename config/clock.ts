/** The music clock's configuration and song playback (daemon/room/README.md, "The music clock", "Songs and playback"). */
import { z } from 'zod';
import { retryMs } from './common.js';

export const clockSchema = z
  .strictObject({
    source: z
      .enum(['auto', 'midi', 'osc', 'audio', 'song', 'fixed'])
      .default('auto')
      .describe(
        "Where the music clock follows: auto = the most recent live source (MIDI clock, OSC in, line-in, a playing song), else the simulated venue's tempo, else `bpm`.",
      ),
    bpm: z.number().min(40).max(240).default(120).describe('Tempo when no source is live.'),
    beatsPerBar: z.number().int().min(2).max(12).default(4).describe('Beats in a bar.'),
    beatsPerPhrase: z.number().int().min(2).max(64).default(8).describe('An 8-count phrase is two bars of four.'),
    staleMs: z
      .number()
      .int()
      .min(500)
      .max(60_000)
      .default(4000)
      .describe('A source silent this long stops counting as live.'),
    hold: z
      .boolean()
      .default(true)
      .describe(
        'A tempo set over OSC or MIDI (tempo command or taps) holds until changed or released (/codance/clock/release); false = it lapses after `staleMs` of silence.',
      ),
    lookaheadMs: z
      .number()
      .int()
      .min(0)
      .max(500)
      .default(100)
      .describe('Beat events are put on the bus this early, so outputs can schedule to land on the beat.'),
    audio: z
      .strictObject({
        input: z
          .string()
          .min(1)
          .max(1000)
          .optional()
          .describe(
            'An ffmpeg input followed live: a capture device (`-f alsa hw:0`), a stream URL or a file. Unset = off.',
          ),
        inputOptions: z
          .array(z.string().max(200))
          .max(32)
          .default([])
          .describe('ffmpeg options before -i, e.g. ["-f", "alsa"] or ["-re"] to play a file in real time.'),
        retryMs: retryMs('the input'),
      })
      .prefault({}),
  })
  .prefault({});

export const playbackSchema = z
  .strictObject({
    output: z
      .array(z.string().min(1).max(200))
      .min(1)
      .max(32)
      .default(['-f', 'alsa', 'default'])
      .describe(
        'Where songs are played: ffmpeg output arguments (`-f alsa default`, `-f pulse codance`, or `-f null -` for no sound).',
      ),
    latencyMs: z
      .number()
      .min(0)
      .max(2000)
      .default(0)
      .describe("The sound card's delay from ffmpeg writing audio to it being heard; the clock adds it to song beats."),
    cacheDir: z
      .string()
      .min(1)
      .default('songs')
      .describe("Songs are written here for ffmpeg to read; relative to the store's folder."),
  })
  .prefault({});
