/**
 * What the lane's rules sent, copied to the main thread cheaply: each address is told once
 * (with its type, rule and device) and given an index; after that a report carries only
 * (index, value) pairs in one Float64Array, which the structured clone copies as a block.
 */
import type { RuleSent, SentAddress, SentValues } from '../mapping/sent-values.js';

export interface SentSnapshot {
  /** Addresses seen for the first time: index, address, and what stays fixed about them. */
  added: [index: number, address: string, type: string, rule: string, device: string | null][];
  /** (index, value) pairs of what changed: NaN is null, booleans are 1 and 0. */
  values: Float64Array;
  /** Every rule's last message, most recently sent first (a few dozen rows). */
  rules: RuleSent[];
}

/** In the lane: watches its SentValues and makes snapshots of what changed. */
export class SentCollector {
  private readonly index = new Map<string, number>();
  private added: SentSnapshot['added'] = [];
  private changed = new Float64Array(1024);
  private nChanged = 0;
  /** The pair each index last wrote in `changed` this round, +1 (0 = not yet). */
  private slotOf = new Uint32Array(1024);

  constructor(private readonly sent: SentValues) {
    sent.onValue((address, _type, value) => this.note(address, value));
  }

  private note(address: string, value: number | boolean | null): void {
    let i = this.index.get(address);
    if (i === undefined) {
      i = this.index.size;
      this.index.set(address, i);
      const s = this.sent.addresses().get(address);
      this.added.push([i, address, s?.type ?? 'f', s?.rule ?? '', s?.device ?? null]);
    }
    if (i >= this.slotOf.length) this.slotOf = grow(this.slotOf, i + 1);
    const v = value === null ? NaN : typeof value === 'boolean' ? (value ? 1 : 0) : value;
    const pair = this.slotOf[i]!;
    if (pair > 0) {
      this.changed[(pair - 1) * 2 + 1] = v;
      return;
    }
    if ((this.nChanged + 1) * 2 > this.changed.length) this.changed = grow(this.changed, (this.nChanged + 1) * 2);
    this.changed[this.nChanged * 2] = i;
    this.changed[this.nChanged * 2 + 1] = v;
    this.slotOf[i] = ++this.nChanged;
  }

  snapshot(): SentSnapshot {
    const values = this.changed.slice(0, this.nChanged * 2);
    for (let k = 0; k < this.nChanged; k++) this.slotOf[this.changed[k * 2]!] = 0;
    this.nChanged = 0;
    const added = this.added;
    this.added = [];
    return { added, values, rules: this.sent.rules() };
  }
}

function grow<T extends Float64Array | Uint32Array>(a: T, atLeast: number): T {
  const b = new (a.constructor as new (n: number) => T)(Math.max(atLeast, a.length * 2));
  b.set(a);
  return b;
}

/** On the main thread: applies snapshots to the SentValues the API, console and OSCQuery read. */
export class SentMirror {
  private readonly known: { address: string; type: string; rule: string; device: string | null }[] = [];

  constructor(private readonly sent: SentValues) {}

  /** `skipDevices`: devices whose values are not taken (forgotten since the lane made the snapshot). */
  apply(s: SentSnapshot, skipDevices: ReadonlySet<string> = new Set()): void {
    for (const [i, address, type, rule, device] of s.added) this.known[i] = { address, type, rule, device };
    const changes: [string, SentAddress][] = [];
    for (let k = 0; k < s.values.length; k += 2) {
      const meta = this.known[s.values[k]!];
      if (!meta || (meta.device !== null && skipDevices.has(meta.device))) continue;
      const raw = s.values[k + 1]!;
      const value = Number.isNaN(raw) ? null : meta.type === 'T' || meta.type === 'F' ? raw === 1 : raw;
      changes.push([
        meta.address,
        { type: meta.type, value, rule: meta.rule, ...(meta.device === null ? {} : { device: meta.device }) },
      ]);
    }
    this.sent.absorb(changes, s.rules);
  }
}
