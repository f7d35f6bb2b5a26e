/**
 * One OSC target (a desk, a media server, OLA): continuous values go out at a steady rate as
 * bundles of what changed (everything once a second, so a desk that restarts catches up);
 * triggers go out at once. A per-target budget of messages per second protects a desk from
 * floods: continuous values wait for the next tick, triggers over budget are dropped and counted.
 */
import type { HealthReporter } from '../health/registry.js';
import { HeadCache, encodeMessage, encodeScalar, messageHead, packBundles, type OutArg } from './encode.js';
import type { OscTransport } from './transport.js';
import { Deadlines, runAt } from '../precise-timer.js';

export interface OscTargetOptions {
  id: string;
  rateHz: number;
  maxMessagesPerS: number;
  maxPacketBytes: number;
  /** Send future events early in time-tagged bundles (true), or hold them and send when due. */
  timeTags: boolean;
  /** Rule ids or `*` patterns this target takes from rules that name no targets. */
  rules: readonly string[];
  /** Put before every address sent here. */
  prefix: string;
  /** Floats go out mapped from 0..1 onto this range. */
  floatRange: readonly [number, number];
  /** Resend every continuous value each tick (true), or only changes plus a refresh each second. */
  hold: boolean;
}

/** Told the age of every value or trigger as it is handed to the socket. */
export type LatencySink = (kind: 'trigger' | 'continuous', origin: Origin, sentAt: number) => void;

/** Where a value came from and when it arrived (wall-clock ms, fractional), for the latency histograms. */
export interface Origin {
  at: number;
  path: string;
}

export interface OscTargetTime {
  /** True for the real clock: time passes while the target yields to the event loop. */
  precise?: boolean;
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * One address's latest continuous value. Entries are kept and refilled, and a value is encoded
 * when a tick sends it, so setting one allocates nothing.
 */
class Pending {
  arg: OutArg = { type: 'F' };
  /** Its encoding, until the value changes. */
  encoded: Uint8Array | undefined;
  /** Address and type tag, for the scalar types (made once). */
  head: Uint8Array | undefined;
  headType = '';
  /** Where the value came from (copied: callers reuse their origin objects); NaN = unknown. */
  originAt = NaN;
  originPath = '';
  changed = true;
  /** When it was last set. */
  at = 0;
}
const REFRESH_MS = 1000;
/** A held value is resent every tick for this long after its last sample; after that only with the refresh. */
const HOLD_MS = 5000;
/** Timers fire on whole ms: wake this early and yield (setImmediate) until the tick is due. */
const EARLY_WAKE_MS = 1;
const SPIN_SLACK_MS = 0.05;
const DMX_CHANNELS = 512;

export class OscTarget {
  private readonly values = new Map<string, Pending>();
  /** Trigger addresses' heads, so a one-value trigger is encoded by a copy. */
  private readonly triggerHeads = new HeadCache();
  private readonly dmx = new Map<string, { frame: Uint8Array; origin: Origin | undefined; changed: boolean }>();
  private tokens: number;
  private lastRefill: number;
  private lastRefresh = 0;
  private timer: unknown;
  private deadlines: Deadlines | undefined;
  private rotation = 0;
  private running = false;
  sent = { messages: 0, packets: 0, dropped: 0 };
  /** Off with a manual clock (tests), where time does not pass while yielding. */
  private readonly spinning: boolean;

  constructor(
    readonly options: OscTargetOptions,
    private readonly transport: OscTransport,
    private readonly health: HealthReporter,
    private readonly time: OscTargetTime,
    private readonly onLatency?: LatencySink,
  ) {
    this.tokens = options.maxMessagesPerS;
    this.lastRefill = time.now();
    this.spinning = time.precise === true;
  }

  /** Its health id (`osc:<name>`), also its name as a service. */
  get name(): string {
    return this.options.id;
  }

  start(_signal?: AbortSignal): void {
    this.transport.start();
    this.running = true;
    this.deadlines = new Deadlines(1000 / this.options.rateHz, this.time.now());
    this.scheduleTick();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) this.time.clearTimeout(this.timer);
    this.timer = undefined;
    await this.transport.stop();
  }

  /** A continuous value: the latest one per address goes out on the next tick. */
  set(address: string, arg: OutArg, origin?: Origin): void {
    let p = this.values.get(address);
    if (!p) this.values.set(address, (p = new Pending()));
    if (arg.type === 'f' || arg.type === 'i') {
      if (p.arg.type === arg.type) (p.arg as { value: number }).value = arg.value;
      else p.arg = { type: arg.type, value: arg.value };
    } else if (arg.type === 'T' || arg.type === 'F') {
      if (p.arg.type !== arg.type) p.arg = { type: arg.type };
    } else p.arg = arg;
    p.encoded = undefined;
    p.originAt = origin ? origin.at : NaN;
    p.originPath = origin ? origin.path : '';
    p.changed = true;
    p.at = this.time.now();
  }

  private encode(address: string, p: Pending): Uint8Array {
    const a = p.arg;
    if (a.type === 's' || a.type === 'b') return encodeMessage({ address, args: [a] });
    if (!p.head || p.headType !== a.type) {
      p.head = messageHead(address, a.type);
      p.headType = a.type;
    }
    return encodeScalar(p.head, a.type, 'value' in a ? a.value : 0);
  }

  /** Stops refreshing an address (its source may no longer be shown: a withdrawn consent). */
  forget(address: string): void {
    this.values.delete(address);
  }

  /**
   * One channel (1..512) of a DMX frame sent as a 512-byte blob to `address` (OLA's OSC plugin).
   * With `atMs` (a beat), the change is made and the frame sent at that moment, not on the next tick.
   */
  setDmx(address: string, channel: number, level: number, origin?: Origin, atMs?: number): void {
    if (atMs !== undefined && atMs - this.time.now() > 1) {
      if (origin) origin = { at: origin.at, path: origin.path };
      runAt(this.time, atMs, () => {
        this.setDmx(address, channel, level, origin);
        const entry = this.dmx.get(address);
        if (!entry || !this.take(1)) return;
        entry.changed = false;
        this.emit([encodeMessage({ address, args: [{ type: 'b', value: entry.frame }] })], 'trigger', origin);
      });
      return;
    }
    let entry = this.dmx.get(address);
    if (!entry) this.dmx.set(address, (entry = { frame: new Uint8Array(DMX_CHANNELS), origin, changed: true }));
    const v = Math.max(0, Math.min(255, Math.round(level)));
    if (entry.frame[channel - 1] !== v) entry.changed = true;
    entry.frame[channel - 1] = v;
    entry.origin = origin && { at: origin.at, path: origin.path };
  }

  /** A trigger: sent now (or at `atMs`, a wall-clock time in the near future). False when dropped. */
  trigger(address: string, args: OutArg[], origin?: Origin, atMs?: number): boolean {
    if (!this.take(1)) {
      this.drop('rate_limited');
      return false;
    }
    const encoded = this.triggerHeads.encode(address, args);
    const delay = atMs === undefined ? 0 : atMs - this.time.now();
    if (delay > 1 && !this.options.timeTags) {
      const from = origin && { at: origin.at, path: origin.path };
      this.time.setTimeout(() => this.emit([encoded], 'trigger', from), delay);
      return true;
    }
    this.emit([encoded], 'trigger', origin, delay > 1 ? atMs : undefined, delay > 1);
    return true;
  }

  private emit(
    encoded: Uint8Array[],
    kind: 'trigger' | 'continuous',
    origin: Origin | undefined,
    atMs?: number,
    asBundle = kind === 'continuous',
  ): void {
    const packets = asBundle ? packBundles(encoded, this.options.maxPacketBytes, atMs) : encoded;
    for (const p of packets) {
      if (this.transport.send(p)) this.sent.packets++;
      else this.sent.dropped++;
    }
    this.sent.messages += encoded.length;
    if (origin && this.onLatency) this.onLatency(kind, origin, this.time.now());
  }

  private drop(reason: string): void {
    this.sent.dropped++;
    this.health.countError(this.options.id, reason);
  }

  private take(n: number): boolean {
    const now = this.time.now();
    const max = this.options.maxMessagesPerS;
    this.tokens = Math.min(max, this.tokens + ((now - this.lastRefill) / 1000) * max);
    this.lastRefill = now;
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }

  private scheduleTick(): void {
    if (!this.running || !this.deadlines) return;
    const now = this.time.now();
    const due = this.deadlines.next(now);
    // Timers fire on whole milliseconds of a cached loop clock: wake a little early and yield
    // (setImmediate) until the deadline, so the stream keeps its spacing to a fraction of a ms.
    this.timer = this.time.setTimeout(
      () => {
        this.timer = undefined;
        const fire = (): void => {
          if (!this.running) return;
          if (this.time.now() < due - SPIN_SLACK_MS && this.spinning) {
            setImmediate(fire);
            return;
          }
          this.flush();
          this.scheduleTick();
        };
        fire();
      },
      Math.max(0, due - now - EARLY_WAKE_MS),
    );
  }

  /** Sends what changed (every held value, with `hold`; everything once a second) as bundles. */
  flush(): void {
    const now = this.time.now();
    const refresh = now - this.lastRefresh >= REFRESH_MS;
    if (refresh) this.lastRefresh = now;
    const hold = this.options.hold;
    const out: Uint8Array[] = [];
    let oldest: Origin | undefined;
    const note = (origin: Origin | undefined): void => {
      if (origin && (!oldest || origin.at < oldest.at)) oldest = origin;
    };
    for (const [address, d] of this.dmx) {
      if (!d.changed && !refresh) continue;
      out.push(encodeMessage({ address, args: [{ type: 'b', value: d.frame }] }));
      if (d.changed) note(d.origin);
      d.changed = false;
    }
    let oldestAt = NaN;
    let oldestPath = '';
    for (const [address, v] of this.values) {
      if (!v.changed && !refresh && !(hold && now - v.at < HOLD_MS)) continue;
      out.push((v.encoded ??= this.encode(address, v)));
      if (v.changed && !Number.isNaN(v.originAt) && !(v.originAt >= oldestAt)) {
        oldestAt = v.originAt;
        oldestPath = v.originPath;
      }
      v.changed = false;
    }
    if (!Number.isNaN(oldestAt) && (!oldest || oldestAt < oldest.at)) oldest = { at: oldestAt, path: oldestPath };
    if (out.length === 0) return;
    // Over budget: send what the budget allows now, starting where the last short tick stopped,
    // so every address gets its turn; the rest waits for a later tick.
    const allowed = this.take(out.length) ? out.length : Math.floor(this.tokens);
    if (allowed < out.length) {
      this.tokens -= allowed;
      this.health.countError(this.options.id, 'deferred');
      const from = this.rotation % out.length;
      this.rotation = from + allowed;
      this.emit([...out.slice(from), ...out.slice(0, from)].slice(0, allowed), 'continuous', oldest);
      return;
    }
    this.emit(out, 'continuous', oldest);
  }
}
