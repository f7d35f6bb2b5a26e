/**
 * Teardown bookkeeping for `start(signal)` / `stop()`: each resource taken during start
 * registers how to release it; stop (or a failed start) releases them in reverse order,
 * each bounded by a timeout so one stuck peer cannot hold the daemon past systemd's limit.
 */
/**
 * The one shape every long-running part of the box has: nothing opens before `start`, `stop`
 * releases everything and may be called more than once.
 */
export interface Service {
  readonly name: string;
  start(signal: AbortSignal): void | Promise<void>;
  stop(): void | Promise<void>;
}

export interface TeardownLog {
  warn(obj: object, msg: string): void;
}

interface Teardown {
  name: string;
  fn: () => void | Promise<void>;
}

export class Teardowns {
  private readonly stack: Teardown[] = [];
  constructor(
    private readonly log: TeardownLog,
    private readonly timeoutMs = 2000,
  ) {}

  add(name: string, fn: () => void | Promise<void>): void {
    this.stack.push({ name, fn });
  }

  /** Starts a service and registers its stop, so a later failed step releases it. */
  async start<S extends Service>(service: S, signal: AbortSignal): Promise<S> {
    await service.start(signal);
    this.add(service.name, () => service.stop());
    return service;
  }

  get size(): number {
    return this.stack.length;
  }

  /** Runs every teardown, newest first; failures and time-outs are logged, never thrown. */
  async run(): Promise<void> {
    while (this.stack.length > 0) {
      const { name, fn } = this.stack.pop() as Teardown;
      let timer: NodeJS.Timeout | undefined;
      try {
        const timedOut = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), this.timeoutMs);
        });
        const result = await Promise.race([Promise.resolve().then(fn), timedOut]);
        if (result === 'timeout') this.log.warn({ component: name, timeoutMs: this.timeoutMs }, 'teardown timed out');
      } catch (err) {
        this.log.warn({ component: name, err }, 'teardown failed');
      } finally {
        clearTimeout(timer);
      }
    }
  }
}
