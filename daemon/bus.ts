/**
 * The one typed bus. Every capability talks through it; a subscription returns its
 * unsubscribe function; one throwing handler is reported and never stops the others.
 */
import type { DeviceInfo, Sample } from '../config/signals.js';
import type { CrowdRow, DetectionRow, InferenceRow } from './bus-events.js';
import type { ClockEvent } from '../drivers/midi/clock-tracker.js';
import type { BeatEvent } from './clock/music-clock.js';

export interface BusEvents {
  sample: [sample: Sample];
  device: [device: DeviceInfo];
  /** A model's output for one dancer (arousal). */
  inference: [row: InferenceRow];
  /** The crowd state, at its fixed rate. */
  crowd: [row: CrowdRow];
  /** Music clock in (MIDI clock: tempo, beats, transport). */
  clock: [event: ClockEvent];
  /** The music clock's beats, announced `clock.lookaheadMs` before `at` (bars and phrases flagged on them). */
  beat: [beat: BeatEvent];
  /** A choreography cue (played choreographies). */
  cue: [cue: { name: string; at?: number }];
  /**
   * A record was written (through the API or a remote command), after its transaction
   * committed: what caches it (the current event, patterns, consent) reads it again.
   */
  record: [change: { table: string; id: number }];
  /** A learned movement pattern detected on a dancer. */
  pattern: [row: DetectionRow & { name: string }];
  /**
   * The live mapping changed (a preset switched, a rule added or removed), whichever way it
   * came in: the API, an OSC command, an MQTT remote command.
   */
  mapping: [change: { active: { sound: string | null; visualization: string | null }; rules: number }];
}

type Handler<A extends unknown[]> = (...args: A) => void;

export interface BusOptions<E> {
  /**
   * Events whose handlers (other than `first` ones) run just after the code that emitted them
   * (setImmediate), not inside it: a driver's whole callback reaches the real-time lane before
   * the store and the pipeline take their turn.
   */
  defer?: readonly NoInfer<keyof E>[];
}

export class Bus<E extends { [K in keyof E]: unknown[] } = BusEvents> {
  private readonly handlers = new Map<keyof E, Set<Handler<never[]>>>();
  private readonly firsts = new Map<keyof E, Set<Handler<never[]>>>();
  private readonly guards = new Map<keyof E, (...args: never[]) => boolean>();
  private readonly deferred: ReadonlySet<keyof E>;
  private queue: [keyof E, unknown[]][] = [];

  /** `onError` is told about a handler that threw; the bus itself never throws from `emit`. */
  constructor(
    private readonly onError: (event: string, err: unknown) => void,
    options: BusOptions<E> = {},
  ) {
    this.deferred = new Set(options.defer ?? []);
  }

  /**
   * `first`: called at once and before the other handlers (the real-time lane takes a sample
   * before the store and the pipeline do).
   */
  on<K extends keyof E>(event: K, handler: Handler<E[K]>, options?: { first?: boolean }): () => void {
    const h = handler as unknown as Handler<never[]>;
    const map = options?.first ? this.firsts : this.handlers;
    let set = map.get(event);
    if (!set) map.set(event, (set = new Set()));
    set.add(h);
    return () => {
      set.delete(h);
    };
  }

  /**
   * One guard per event, asked before any handler: what it refuses reaches no one. This is
   * where consent is applied, so no subscriber can forget to.
   */
  guard<K extends keyof E>(event: K, allows: (...args: E[K]) => boolean): () => void {
    this.guards.set(event, allows as unknown as (...args: never[]) => boolean);
    return () => {
      this.guards.delete(event);
    };
  }

  emit<K extends keyof E>(event: K, ...args: E[K]): void {
    const firsts = this.firsts.get(event);
    const set = this.handlers.get(event);
    if (!set?.size && !firsts?.size) return;
    const guard = this.guards.get(event) as ((...a: E[K]) => boolean) | undefined;
    if (guard && !guard(...args)) return;
    if (firsts) this.call(event, firsts, args);
    if (!set?.size) return;
    if (!this.deferred.has(event)) return this.call(event, set, args);
    if (this.queue.length === 0) setImmediate(this.drain);
    this.queue.push([event, args]);
  }

  private readonly drain = (): void => {
    const queue = this.queue;
    this.queue = [];
    for (const [event, args] of queue) {
      const set = this.handlers.get(event);
      if (set) this.call(event, set, args as never);
    }
  };

  private call<K extends keyof E>(event: K, set: Set<Handler<never[]>>, args: E[K]): void {
    for (const h of set) {
      try {
        (h as unknown as Handler<E[K]>)(...args);
      } catch (err) {
        this.onError(String(event), err);
      }
    }
  }

  listenerCount<K extends keyof E>(event: K): number {
    return (this.handlers.get(event)?.size ?? 0) + (this.firsts.get(event)?.size ?? 0);
  }
}
