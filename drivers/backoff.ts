/**
 * Reconnection with named, capped limits and exactly one pending retry (ARCHITECTURE "One
 * lifecycle"): `schedule` while a retry is pending does nothing, so a flapping device can
 * never pile up timers.
 */
export interface BackoffLimits {
  /** First delay after a loss. */
  initialMs: number;
  /** The delay never grows past this. */
  maxMs: number;
  /** Each failed attempt multiplies the delay by this. */
  factor: number;
}

export class Retry {
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly limits: BackoffLimits) {}

  /** The delay the next retry will wait. */
  get nextDelayMs(): number {
    return Math.min(this.limits.maxMs, this.limits.initialMs * this.limits.factor ** this.attempt);
  }

  get pending(): boolean {
    return this.timer !== undefined;
  }

  get attempts(): number {
    return this.attempt;
  }

  /** Runs `fn` after the current backoff delay, unless a retry is already waiting. Returns the delay, or undefined if one was pending. */
  schedule(fn: () => void): number | undefined {
    if (this.timer) return undefined;
    const delay = this.nextDelayMs;
    this.attempt++;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      fn();
    }, delay);
    return delay;
  }

  /** The connection is good again: the next loss starts from `initialMs`. */
  reset(): void {
    this.attempt = 0;
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
