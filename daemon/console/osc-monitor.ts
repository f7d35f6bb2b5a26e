/**
 * The console's OSC monitor: per target, the last message of each mapping rule (its address,
 * value, how many distinct addresses it fills — one per dancer for dancer rules), the message
 * rate on the wire, and percentiles of the output latency (arrival of what caused a message
 * to the moment it was handed to the socket). Keyed by rule, so a desk's whole address space
 * fits on a phone however many dancers there are. Fed by the mapping engine and the targets;
 * read once a second by the console stream. Bounded: a fixed number of rules, addresses and
 * latency samples per target, whatever the rules send.
 */

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
  /** How many messages this rule sent to this target. */
  count: number;
  /** Distinct addresses the rule has sent to (capped at MAX_ADDRESSES_PER_RULE). */
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

const MAX_RULES = 256;
const MAX_ADDRESSES_PER_RULE = 1024;
const LATENCY_SAMPLES = 2048;
const RATE_WINDOW_MS = 5000;

class TargetState {
  /** By rule id, least recently sent first. */
  readonly last = new Map<string, OscMessageSeen>();
  readonly addresses = new Map<string, Set<string>>();
  readonly latency = new Float64Array(LATENCY_SAMPLES);
  latencyN = 0;
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
    private readonly now: () => number,
  ) {
    for (const t of targets) this.targets.set(t.name, new TargetState(t));
  }

  /** A message handed to a target (continuous values are sent on the target's next tick). */
  sent(target: string, address: string, value: number | boolean | null, rule: string, trigger: boolean): void {
    const s = this.targets.get(target);
    if (!s) return;
    const prev = s.last.get(rule);
    if (prev) s.last.delete(rule);
    else if (s.last.size >= MAX_RULES) {
      // Drop the least recently sent rule (a Map iterates in insertion order).
      const oldest = s.last.keys().next().value;
      if (oldest !== undefined) {
        s.last.delete(oldest);
        s.addresses.delete(oldest);
      }
    }
    let seen = s.addresses.get(rule);
    if (!seen) s.addresses.set(rule, (seen = new Set()));
    if (seen.size < MAX_ADDRESSES_PER_RULE) seen.add(address);
    // This runs per message: a rule's row is made once and then updated in place.
    const row = prev ?? { address, value, rule, trigger, at: 0, count: 0, addresses: 0 };
    row.address = address;
    row.value = value;
    row.trigger = trigger;
    row.at = this.now();
    row.count++;
    row.addresses = seen.size;
    s.last.set(rule, row);
  }

  latency(target: string, ms: number): void {
    const s = this.targets.get(target);
    if (!s) return;
    s.latency[s.latencyN % LATENCY_SAMPLES] = ms;
    s.latencyN++;
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
    return [...this.targets.values()].map((s) => {
      const c = s.target.counters();
      const first = s.readings[0];
      const lastReading = s.readings[s.readings.length - 1];
      const span = first && lastReading ? lastReading.at - first.at : 0;
      const n = Math.min(s.latencyN, LATENCY_SAMPLES);
      const sorted = s.latency.slice(0, n).sort();
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
        last: [...s.last.values()].reverse().map((row) => ({ ...row })),
      };
    });
  }
}
