/**
 * One DMX-over-IP output (sACN or Art-Net): every universe it carries goes out at a steady
 * refresh rate with its latest frame (receivers hold the last frame and time a source out after
 * ~2.5 s of silence), and `sendNow` puts a universe out at once for changes timed to the beat.
 *
 * Our own encoders (e131.ts, artnet.ts) rather than the `sacn` or `dmxnet` packages: each of
 * those runs its own socket and refresh timer per universe, and a beat-timed change must leave
 * at the beat from the same latest frame the refresh sends. The packets are fixed layouts of
 * the standards, checked against OLA's receivers in the tests.
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import type { DmxOutputConfig } from '../../config/dmx.js';
import type { HealthReporter } from '../health/registry.js';
import { isLoopbackHost } from '../net/allow-list.js';
import { Deadlines, type PreciseTime } from '../precise-timer.js';
import { ARTNET_PORT, encodeArtDmx } from './artnet.js';
import { E131_PORT, e131Multicast, encodeE131 } from './e131.js';

/** The frame a universe shows now. */
export type FrameSource = (universe: number, now: number) => Uint8Array;

export class DmxOutput {
  private socket: Socket | undefined;
  private timer: unknown;
  private readonly sequence = new Map<number, number>();
  private readonly cid: Uint8Array;
  private deadlines: Deadlines | undefined;
  readonly sent = { packets: 0, errors: 0 };

  constructor(
    readonly options: DmxOutputConfig,
    private readonly frames: FrameSource,
    private readonly health: HealthReporter,
    private readonly time: PreciseTime,
    /** The sACN component id: one per box, so receivers see one source across restarts. */
    cid?: Uint8Array,
  ) {
    this.cid = cid ?? randomBytes(16);
  }

  get name(): string {
    return `dmx:${this.options.name}`;
  }

  carries(universe: number): boolean {
    return this.options.universes.includes(universe);
  }

  start(_signal?: AbortSignal): void {
    const socket = createSocket('udp4');
    socket.on('error', (err) => this.health.report(this.name, { state: 'error', lastError: err.message }));
    socket.unref();
    const host = this.options.host;
    if (host !== undefined && isLoopbackHost(host)) socket.bind({ address: '127.0.0.1', port: 0 });
    else
      socket.bind(0, () => {
        // Art-Net nodes are often reached by a subnet broadcast (2.255.255.255): allow it.
        if (this.options.protocol === 'artnet') socket.setBroadcast(true);
        // Multicast stays on the venue's segment.
        if (host === undefined) socket.setMulticastTTL(1);
      });
    this.socket = socket;
    this.health.report(this.name, {
      type: 'subsystem',
      state: 'connected',
      detail: `${this.options.protocol} ${host ?? (this.options.protocol === 'sacn' ? 'multicast' : 'broadcast')} universes ${this.options.universes.join(',')} at ${this.options.refreshHz} Hz`,
    });
    this.deadlines = new Deadlines(1000 / this.options.refreshHz, this.time.now());
    this.schedule();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) this.time.clearTimeout(this.timer);
    this.timer = undefined;
    const s = this.socket;
    this.socket = undefined;
    this.health.report(this.name, { state: 'stopped' });
    await new Promise<void>((res) => (s ? s.close(() => res()) : res()));
  }

  /** Sends the universe's current frame now (a beat-timed change); the refresh carries on as before. */
  sendNow(universe: number): void {
    if (this.carries(universe)) this.send(universe, this.time.now());
  }

  private schedule(): void {
    if (!this.socket || !this.deadlines) return;
    const now = this.time.now();
    const due = this.deadlines.next(now);
    this.timer = this.time.setTimeout(
      () => {
        this.timer = undefined;
        const t = this.time.now();
        for (const u of this.options.universes) this.send(u, t);
        this.schedule();
      },
      Math.max(0, due - now),
    );
  }

  private send(universe: number, now: number): void {
    const socket = this.socket;
    if (!socket) return;
    const slots = this.frames(universe, now);
    const o = this.options;
    const seq = ((this.sequence.get(universe) ?? 0) % 255) + 1;
    this.sequence.set(universe, seq);
    const packet =
      o.protocol === 'sacn'
        ? encodeE131({ universe, priority: o.priority, sequence: seq, cid: this.cid, sourceName: o.sourceName, slots })
        : encodeArtDmx({ portAddress: universe, sequence: seq, slots });
    const host = o.host ?? (o.protocol === 'sacn' ? e131Multicast(universe) : '255.255.255.255');
    socket.send(packet, o.protocol === 'sacn' ? E131_PORT : ARTNET_PORT, host, (err) => {
      if (!err) return;
      this.sent.errors++;
      this.health.countError(this.name, 'send_failed');
    });
    this.sent.packets++;
  }
}
