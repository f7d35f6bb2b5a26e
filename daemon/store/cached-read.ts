/**
 * A value read from the store off the hot path: at most once every `ttlMs`, and again as
 * soon as the bus announces a change to one of the tables it depends on (whether the change
 * came through the API, a remote command or the CLI-less box itself). Outputs and the
 * pipeline ask it per sample; it costs a comparison until something changed.
 */
import type { Bus } from '../bus.js';

export class CachedRead<T> {
  private value: T | undefined;
  private readAt = -Infinity;
  private readonly off: () => void;

  constructor(
    private readonly read: () => T,
    private readonly opts: { bus: Bus; tables: readonly string[]; ttlMs: number; now: () => number },
  ) {
    this.off = opts.bus.on('record', (change) => {
      if (opts.tables.includes(change.table)) this.readAt = -Infinity;
    });
  }

  get(): T {
    const t = this.opts.now();
    if (this.value === undefined || t - this.readAt >= this.opts.ttlMs) {
      this.value = this.read();
      this.readAt = t;
    }
    return this.value;
  }

  close(): void {
    this.off();
  }
}
