/**
 * OSC in: one UDP socket on the configured port. Every datagram is decoded by the never-throwing
 * codec; bundles are flattened into their messages; what cannot be read is counted by reason
 * and dropped. The handler sees one message at a time and may reject it with a reason.
 * A datagram from an address the allow list does not name is dropped before it is decoded,
 * counted as `not_allowed`, and its source logged once (a flood cannot fill the log).
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { Driver } from '../driver.js';
import type { HealthReporter } from '../health/registry.js';
import type { AllowList } from '../net/allow-list.js';
import { decodeOscPacket, type OscMessage, type OscPacket } from './codec.js';

/** Returns undefined when the message was taken, or why it was not. */
export type OscInHandler = (message: OscMessage, from: RemoteInfo) => string | undefined;

export interface OscInStats {
  datagrams: number;
  messages: number;
  malformed: number;
  rejected: number;
  /** Datagrams from a source the allow list does not name. */
  notAllowed: number;
}

const MAX_BUNDLE_DEPTH = 8;
/** Sources whose first refused datagram was logged; beyond this many, refusals are only counted. */
const MAX_LOGGED_SOURCES = 64;

export class OscInDriver implements Driver {
  readonly name = 'osc:in';
  private socket: Socket | undefined;
  readonly stats: OscInStats = { datagrams: 0, messages: 0, malformed: 0, rejected: 0, notAllowed: 0 };
  private readonly loggedSources = new Set<string>();
  /** The port actually bound (differs from the configured one when that is 0 in tests). */
  port: number | undefined;

  constructor(
    private readonly options: {
      host: string;
      port: number;
      allow?: AllowList;
      onRefusedSource?: (address: string) => void;
    },
    private readonly health: HealthReporter,
    private readonly handle: OscInHandler,
  ) {}

  async start(_signal?: AbortSignal): Promise<void> {
    const socket = createSocket({ type: this.options.host.includes(':') ? 'udp6' : 'udp4', reuseAddr: false });
    this.socket = socket;
    socket.on('message', (bytes, from) => this.receive(bytes, from));
    await new Promise<void>((res) => {
      socket.once('error', (err) => {
        // A taken port must not stop the daemon: report it and run without OSC in.
        this.health.report(this.name, {
          type: 'subsystem',
          state: 'error',
          detail: `cannot listen on udp ${this.options.host}:${this.options.port}: ${err.message}`,
        });
        this.socket = undefined;
        socket.close();
        res();
      });
      socket.bind(this.options.port, this.options.host, () => {
        this.port = socket.address().port;
        socket.on('error', (err) => this.health.report(this.name, { lastError: err.message }));
        this.health.report(this.name, {
          type: 'subsystem',
          state: 'connected',
          detail: `udp ${this.options.host}:${this.port}`,
        });
        res();
      });
    });
  }

  stop(): Promise<void> {
    const s = this.socket;
    this.socket = undefined;
    this.health.report(this.name, { state: 'stopped' });
    return new Promise((res) => (s ? s.close(() => res()) : res()));
  }

  receive(bytes: Uint8Array, from: RemoteInfo): void {
    this.stats.datagrams++;
    if (this.options.allow && !this.options.allow(from.address)) {
      this.stats.notAllowed++;
      this.health.countError(this.name, 'not_allowed');
      this.health.report(this.name, {
        lastError: `datagram from ${from.address}:${from.port} dropped: not in osc.in.allow`,
      });
      if (!this.loggedSources.has(from.address) && this.loggedSources.size < MAX_LOGGED_SOURCES) {
        this.loggedSources.add(from.address);
        this.options.onRefusedSource?.(from.address);
      }
      return;
    }
    const parsed = decodeOscPacket(bytes);
    if (!parsed.ok) {
      this.stats.malformed++;
      this.health.countError(this.name, 'malformed');
      this.health.report(this.name, { lastError: `${from.address}:${from.port}: ${parsed.reason}` });
      return;
    }
    this.walk(parsed.value, from, 0);
  }

  private walk(p: OscPacket, from: RemoteInfo, depth: number): void {
    if ('address' in p) {
      this.stats.messages++;
      let reason: string | undefined;
      try {
        reason = this.handle(p, from);
      } catch (err) {
        reason = `handler failed: ${(err as Error).message}`;
      }
      if (reason !== undefined) {
        this.stats.rejected++;
        this.health.countError(this.name, 'rejected');
        this.health.report(this.name, { lastError: `${p.address} from ${from.address}: ${reason}` });
      }
      return;
    }
    if (depth >= MAX_BUNDLE_DEPTH) {
      this.stats.malformed++;
      this.health.countError(this.name, 'malformed');
      return;
    }
    for (const e of p.elements) this.walk(e, from, depth + 1);
  }
}
