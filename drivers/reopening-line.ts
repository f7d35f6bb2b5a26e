/**
 * The lifecycle every output on a pluggable line shares (serial haptic controllers, Firmata
 * boards): a running flag, a heartbeat timer, and reopening the line with capped backoff and
 * exactly one pending retry. Subclasses say how to open the line, what a heartbeat is, and how
 * to let go of the line on stop.
 */
import type { HealthReporter } from './health/registry.js';
import { Retry, type BackoffLimits } from './backoff.js';
import type { OpenSerial, SerialLink } from './serial/link.js';

export abstract class ReopeningLine {
  protected running = false;
  protected readonly retry: Retry;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    /** Also the health id. */
    readonly name: string,
    protected readonly health: HealthReporter,
    private readonly line: { path: string; reopen: BackoffLimits; heartbeatMs: number },
  ) {
    this.retry = new Retry(line.reopen);
  }

  start(signal: AbortSignal): Promise<void> {
    if (this.running) return Promise.resolve();
    this.running = true;
    this.health.report(this.name, { type: 'device', state: 'starting', detail: this.line.path });
    signal.addEventListener('abort', () => void this.stop(), { once: true });
    this.heartbeat = setInterval(() => this.beat(), this.line.heartbeatMs);
    void this.open();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.retry.cancel();
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    await this.release();
    this.health.report(this.name, { state: 'stopped' });
  }

  /** Schedules the next open (unless one is pending) and says why in health. */
  protected retrying(why: string): void {
    if (!this.running) return;
    const delay = this.retry.schedule(() => void this.open());
    if (delay !== undefined)
      this.health.report(this.name, { state: 'retrying', detail: `${why}; next try in ${delay} ms` });
  }

  /** Opens the line; on failure (unplugged: ENOENT) schedules the retry and gives undefined. */
  protected async openLink(openSerial: OpenSerial, baudRate: number): Promise<SerialLink | undefined> {
    let link: SerialLink;
    try {
      link = await openSerial(this.line.path, baudRate);
    } catch (err) {
      this.retrying(`cannot open ${this.line.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      return undefined;
    }
    if (this.running) return link;
    await link.close(); // stopped while opening
    return undefined;
  }

  protected abstract open(): Promise<void>;
  protected abstract beat(): void;
  /** Lets go of the line and anything waiting on it (on stop). */
  protected abstract release(): Promise<void>;
}
