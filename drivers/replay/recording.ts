/**
 * The Codance recording format (drivers/README.md, "Record and replay"): JSON lines, one event each,
 * with `t` in ms since the recording began. The first line is the header. Raw bytes are
 * kept exactly as the device sent them (hex), so a replay goes through the same parsers.
 *
 *   {"format":"codance-recording","version":1,"startedAt":1732240000000}
 *   {"t":0,"type":"advert","id":"c1a2…","address":"a0:9e:…","name":"Polar H10 8C4E","rssi":-61,"services":["180d"]}
 *   {"t":812,"type":"notify","id":"c1a2…","char":"2a37","hex":"104e2803"}
 *   {"t":900,"type":"read","id":"c1a2…","char":"2a19","hex":"5a"}
 *   {"t":5120,"type":"disconnect","id":"c1a2…"}
 *   {"t":6000,"type":"serial","port":"floor","dir":"in","hex":"c0da…"}
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { z } from 'zod';

const hex = z.string().regex(/^([0-9a-f]{2})*$/, 'must be lower-case hex bytes');
const t = z.number().finite().min(0);
const id = z.string().min(1).max(128);

export const recordingHeaderSchema = z.strictObject({
  format: z.literal('codance-recording'),
  version: z.literal(1),
  startedAt: z.number().int(),
});

export const recordingEventSchema = z.discriminatedUnion('type', [
  z.strictObject({
    t,
    type: z.literal('advert'),
    id,
    address: z.string().max(64),
    name: z.string().max(248).optional(),
    rssi: z.number().int().min(-127).max(20),
    services: z.array(z.string().max(36)).max(64),
  }),
  z.strictObject({ t, type: z.literal('notify'), id, char: z.string().min(4).max(36), hex }),
  z.strictObject({ t, type: z.literal('read'), id, char: z.string().min(4).max(36), hex }),
  z.strictObject({ t, type: z.literal('disconnect'), id }),
  z.strictObject({ t, type: z.literal('serial'), port: id, dir: z.enum(['in', 'out']), hex }),
]);

export type RecordingHeader = z.infer<typeof recordingHeaderSchema>;
export type RecordingEvent = z.infer<typeof recordingEventSchema>;
export type Recording = { header: RecordingHeader; events: RecordingEvent[] };

/** Parses a whole recording; a bad line is an error naming its line number and field. */
export function parseRecording(text: string): { ok: true; value: Recording } | { ok: false; reason: string } {
  const lines = text.split('\n');
  let header: RecordingHeader | undefined;
  const events: RecordingEvent[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      return { ok: false, reason: `line ${i + 1}: not JSON` };
    }
    const schema = header ? recordingEventSchema : recordingHeaderSchema;
    const r = schema.safeParse(json);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      const where = issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
      return { ok: false, reason: `line ${i + 1}${header ? '' : ' (header)'}: ${issue.message}${where}` };
    }
    if (!header) header = r.data as RecordingHeader;
    else {
      const e = r.data as RecordingEvent;
      if (events.length > 0 && e.t < events[events.length - 1]!.t)
        return { ok: false, reason: `line ${i + 1}: time ${e.t} goes backwards` };
      events.push(e);
    }
  }
  if (!header) return { ok: false, reason: 'empty recording (no header line)' };
  return { ok: true, value: { header, events } };
}

export type RecordingEventInput = RecordingEvent extends infer E
  ? E extends RecordingEvent
    ? Omit<E, 't'>
    : never
  : never;

/** Appends events to a recording file as they happen. */
export class Recorder {
  private stream: WriteStream | undefined;
  private t0 = 0;
  written = 0;

  constructor(
    private readonly path: string,
    private readonly now: () => number = Date.now,
  ) {}

  open(): Promise<void> {
    this.t0 = this.now();
    this.stream = createWriteStream(this.path, { flags: 'w' });
    this.stream.write(
      JSON.stringify({ format: 'codance-recording', version: 1, startedAt: this.t0 } satisfies RecordingHeader) + '\n',
    );
    return new Promise((resolve, reject) => {
      this.stream!.once('open', () => resolve());
      this.stream!.once('error', reject);
    });
  }

  write(event: RecordingEventInput): void {
    if (!this.stream) return;
    this.stream.write(JSON.stringify({ t: this.now() - this.t0, ...event }) + '\n');
    this.written++;
  }

  close(): Promise<void> {
    const s = this.stream;
    this.stream = undefined;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => s.end(() => resolve()));
  }
}

/** What a driver hands the recorder: an event without its time (the recorder stamps it). */
export type RecordingTap = (event: RecordingEventInput) => void;
