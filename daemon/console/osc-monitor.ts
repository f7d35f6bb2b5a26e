/**
 * The console's OSC monitor: per target, the last message of each mapping rule (its address,
 * value, how many distinct addresses it fills — one per dancer for dancer rules), the message
 * rate on the wire, and percentiles of the output latency (arrival of what caused a message
 * to the moment it was handed to the socket). Keyed by rule, so a desk's whole address space
 * fits on a phone however many dancers there are. Read once a second by the console stream.
 * It reads what the room records anyway (the mapping engine's sent values, the targets'
 * latency rings and counters), so the output path does no work for it; all of them are bounded.
 */
import type { RuleSent } from '../mapping/sent-values.js';

export interface MonitoredTarget {
  name: string;
  host: string;
  port: number;
  transport: string;
  /** Counters of the target itself (messages handed to the socket, packets, drops). */
  counters(): { messages: number; packets: number; dropped: number };
}

export interface OscMessageSeen {
  address: string;
  value: number | boolean | null;
  rule: string;
  trigger: boolean;
  at: number;
  /** How many messages this rule made. */
  count: number;
  /** Distinct addresses the rule has sent to (capped). */
  addresses: number;
}

export interface OscTargetMonitor {
  name: string;
  host: string;
  port: number;
  transport: string;
  messages: number;
  packets: number;
  dropped: number;
  /** Messages per second over the last rate window. */
  messagesPerS: number;
  latencyMs: { n: number; p50: number | null; p95: number | null; p99: number | null; max: number | null };
  /** Most recently sent first. */
  last: OscMessageSeen[];
}

const RATE_WINDOW_MS = 5000;

/** Where the monitor reads what was sent and how late. */
export interface MonitorSources {
  /** Each rule's last message, most recently sent first (the mapping engine's sent values). */
  sent(): RuleSent[];
  /** A target's retained output latencies (ms), sorted. */
  latency(target: string): Float64Array;
}

class TargetState {
  /** (time, messages) readings, oldest first, spanning at most the rate window. */
  readonly readings: { at: number; messages: number }[] = [];
  constructor(readonly target: MonitoredTarget) {}
}

function percentile(sorted: Float64Array, q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return Math.round((sorted[i] ?? 0) * 1000) / 1000;
}

export class OscMonitor {
  private readonly targets = new Map<string, TargetState>();

  constructor(
    targets: Iterable<MonitoredTarget>,
    private readonly sources: MonitorSources,
    private readonly now: () => number,
  ) {
    for (const t of targets) this.targets.set(t.name, new TargetState(t));
  }

  /** Take a rate reading; called on a timer so the rate does not depend on who reads it. */
  sample(): void {
    const now = this.now();
    for (const s of this.targets.values()) {
      s.readings.push({ at: now, messages: s.target.counters().messages });
      while (s.readings.length > 2 && now - s.readings[0]!.at > RATE_WINDOW_MS) s.readings.shift();
    }
  }

  snapshot(): OscTargetMonitor[] {
    const sent = this.sources.sent();
    return [...this.targets.values()].map((s) => {
      const c = s.target.counters();
      const first = s.readings[0];
      const lastReading = s.readings[s.readings.length - 1];
      const span = first && lastReading ? lastReading.at - first.at : 0;
      const sorted = this.sources.latency(s.target.name);
      const n = sorted.length;
      return {
        name: s.target.name,
        host: s.target.host,
        port: s.target.port,
        transport: s.target.transport,
        ...c,
        messagesPerS:
          span > 0 && first && lastReading
            ? Math.round(((lastReading.messages - first.messages) / span) * 10_000) / 10
            : 0,
        latencyMs:
          n === 0
            ? { n, p50: null, p95: null, p99: null, max: null }
            : {
                n,
                p50: percentile(sorted, 0.5),
                p95: percentile(sorted, 0.95),
                p99: percentile(sorted, 0.99),
                max: percentile(sorted, 1),
              },
        last: sent.filter((r) => r.targets.includes(s.target.name)).map(({ targets: _targets, ...row }) => row),
      };
    });
  }
}
