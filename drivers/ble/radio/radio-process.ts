/**
 * A radio as the BLE driver sees it: a noble-like adapter (`BleAdapter`) whose host stack runs
 * in a supervised child process (`radio-child.ts`). When the child exits (the dongle was
 * unplugged, the UART closed, noble threw), every link on it is reported lost, the adapter
 * leaves `poweredOn` with the reason in `detail`, and the child is started again with capped
 * backoff. Peripherals keep their identity across restarts, so the driver's per-device state
 * (indices, backoff) carries over.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { BleAdapterConfig } from '../../../config/index.js';
import { Retry, type BackoffLimits } from '../../backoff.js';
import type { BleAdapter } from '../binding.js';
import { RemotePeripheral } from './remote-peripheral.js';
import type { FromRadio, RadioChildOptions, RadioRequest, ToRadio } from './radio-protocol.js';

/** The built child next to this file; tests running the TypeScript sources pass dist's. */
export const RADIO_CHILD_ENTRY = fileURLToPath(new URL('./radio-child.js', import.meta.url));
/** A child asked to close gets this long before it is killed (the daemon's stop allows 2 s for all BLE). */
const CLOSE_MS = 1000;
/** No request outlives this, even if the child stops answering (the driver's own timeouts are shorter). */
const REQUEST_MS = 90_000;

export interface RadioProcessOptions {
  radio: BleAdapterConfig;
  poweredOnTimeoutMs: number;
  restart: BackoffLimits;
  /** The child's script (default: the built `radio-child.js` beside this module). */
  entry?: string;
}

/** What a radio is, in the words a technician uses: "hci0", "/dev/ttyACM0". */
export function radioLabel(radio: BleAdapterConfig): string {
  return radio.transport === 'socket' ? `hci${radio.device}` : radio.path;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

export class RadioProcess extends EventEmitter implements BleAdapter {
  state = 'starting';
  detail: string | undefined;
  permanent = false;
  retryInMs: number | undefined;
  /** The controller's own address, once up. */
  address: string | undefined;
  readonly label: string;
  private child: ChildProcess | undefined;
  private readonly peripherals = new Map<string, RemotePeripheral>();
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  private closing = false;
  private readonly retry: Retry;
  /** Why the last child went away, as it said (else its exit code). */
  private lastProblem: string | undefined;

  constructor(private readonly options: RadioProcessOptions) {
    super();
    this.label = radioLabel(options.radio);
    this.retry = new Retry(options.restart);
  }

  get name(): string {
    return this.options.radio.name;
  }

  /** The radio process's pid while it runs (for `ps` and CPU accounting). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the radio's process (and restarts it whenever it exits, until `close`). */
  open(): void {
    if (this.child || this.closing) return;
    const entry = this.options.entry ?? RADIO_CHILD_ENTRY;
    if (!existsSync(entry)) {
      this.permanent = true;
      this.setState('unavailable', `the radio process script ${entry} is missing: run npm ci (it builds dist/)`);
      return;
    }
    const childOptions: RadioChildOptions = {
      radio: this.options.radio,
      poweredOnTimeoutMs: this.options.poweredOnTimeoutMs,
    };
    this.lastProblem = undefined;
    const child = fork(entry, [JSON.stringify(childOptions)], {
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // The child needs none of the parent's flags (a test runner's loaders, inspector ports).
      execArgv: [],
    });
    this.child = child;
    child.on('message', (m: FromRadio) => this.onMessage(m));
    child.once('error', (err) => (this.lastProblem ??= `the radio process could not start: ${err.message}`));
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
  }

  request<T>(r: RadioRequest): Promise<T> {
    const child = this.child;
    if (!child?.connected || this.state !== 'poweredOn')
      return Promise.reject(
        new Error(`radio ${this.name} (${this.label}) is not up${this.detail ? `: ${this.detail}` : ''}`),
      );
    const seq = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(new Error(`radio ${this.name}: no answer to ${r.op} within ${REQUEST_MS} ms`));
      }, REQUEST_MS);
      const settle =
        <A extends unknown[]>(fn: (...a: A) => void) =>
        (...a: A): void => {
          clearTimeout(timer);
          fn(...a);
        };
      this.pending.set(seq, { resolve: settle(resolve as (v: unknown) => void), reject: settle(reject) });
      child.send({ ...r, seq } satisfies ToRadio, (err) => {
        if (!err || !this.pending.delete(seq)) return;
        clearTimeout(timer);
        reject(new Error(`radio ${this.name}: ${err.message}`));
      });
    });
  }

  startScanningAsync(): Promise<void> {
    return this.request({ op: 'scan' });
  }

  stopScanningAsync(): Promise<void> {
    if (this.state !== 'poweredOn') return Promise.resolve();
    return this.request({ op: 'stopScan' });
  }

  /** Asks the child to close its links and exit; kills it if it does not within 1 s. */
  async close(): Promise<void> {
    this.closing = true;
    this.retry.cancel();
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    if (child.connected) child.send({ op: 'close', seq: ++this.seq } satisfies ToRadio, () => undefined);
    else child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), CLOSE_MS);
    await exited;
    clearTimeout(timer);
  }

  private onMessage(m: FromRadio): void {
    switch (m.type) {
      case 'reply': {
        const p = this.pending.get(m.seq);
        if (!p) return;
        this.pending.delete(m.seq);
        if (m.ok) p.resolve(m.value);
        else p.reject(new Error(m.error));
        return;
      }
      case 'discover': {
        let p = this.peripherals.get(m.p.id);
        if (p) p.update(m.p);
        else this.peripherals.set(m.p.id, (p = new RemotePeripheral(this, m.p.id, m.p)));
        this.emit('discover', p);
        return;
      }
      case 'data':
        this.peripherals
          .get(m.id)
          ?.characteristics.get(m.char)
          ?.emit('data', Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength), true);
        return;
      case 'disconnect':
        this.peripherals.get(m.id)?.lost(m.reason);
        return;
      case 'up':
        this.address = m.address;
        this.retryInMs = undefined;
        this.retry.reset();
        this.setState('poweredOn', undefined);
        return;
      case 'down':
        this.lastProblem = m.problem.detail;
        this.permanent = m.problem.permanent;
        return;
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = undefined;
    const gone = new Error(`radio ${this.name} (${this.label}) is gone`);
    for (const p of this.pending.values()) p.reject(gone);
    this.pending.clear();
    for (const p of this.peripherals.values()) p.lost('radio gone');
    if (this.closing) {
      this.setState('stopped', undefined);
      return;
    }
    const why = this.lastProblem ?? `the radio process exited (${signal ?? `code ${code}`})`;
    if (this.permanent) {
      this.setState('unavailable', why);
      return;
    }
    this.retryInMs = this.retry.schedule(() => this.open());
    this.setState('poweredOff', why);
  }

  private setState(state: string, detail: string | undefined): void {
    this.state = state;
    this.detail = detail;
    this.emit('stateChange', state);
  }
}
