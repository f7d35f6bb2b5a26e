/**
 * Runs a function at a wall-clock moment to a fraction of a millisecond: Node's timers fire
 * on whole milliseconds of a cached loop clock, so wake a little early and yield
 * (setImmediate) until the moment has come.
 */
/**
 * Wall-clock ms with sub-ms precision from the monotonic clock: what outputs schedule against
 * and what drivers stamp a sample's arrival with.
 */
export const preciseNow = (): number => performance.timeOrigin + performance.now();

/** Timers on this kind of machine fire up to a few ms late; waking 6 ms early keeps the tail near the beat (bench: dmx). */
const EARLY_WAKE_MS = 6;
const SLACK_MS = 0.05;

export interface PreciseTime {
  /** True for the real clock: time passes while yielding. */
  precise?: boolean;
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Calls `fn` at `atMs` (at once when that has passed); returns a cancel function. */
export function runAt(time: PreciseTime, atMs: number, fn: () => void): () => void {
  let cancelled = false;
  const fire = (): void => {
    if (cancelled) return;
    if (time.precise && time.now() < atMs - SLACK_MS) {
      setImmediate(fire);
      return;
    }
    fn();
  };
  // A clock where time does not pass while yielding (a test's) is simply set for the moment.
  const delay = atMs - time.now() - (time.precise ? EARLY_WAKE_MS : 0);
  if (delay <= 0) {
    fire();
    return () => undefined;
  }
  const handle = time.setTimeout(fire, delay);
  return () => {
    cancelled = true;
    time.clearTimeout(handle);
  };
}

/**
 * A steady rate's deadlines, absolute (start + n periods) so timer lateness never accumulates
 * into drift. Fallen far behind (a long GC, a suspended VM), the missed ones are skipped
 * instead of sent in a burst.
 */
export class Deadlines {
  private n = 0;

  constructor(
    private readonly periodMs: number,
    private readonly startedAt: number,
  ) {}

  next(now: number): number {
    this.n++;
    let due = this.startedAt + this.n * this.periodMs;
    if (due < now - this.periodMs) {
      this.n = Math.ceil((now - this.startedAt) / this.periodMs);
      due = this.startedAt + this.n * this.periodMs;
    }
    return due;
  }
}
