/**
 * What the mapping rules last sent, kept once for every reader: OSCQuery lists each concrete
 * address with its type and last value; the console's OSC monitor shows each rule's last
 * message, how often it sent and how many addresses it fills. Recorded once per message the
 * engine makes (not per target), as one map update; the readers do their work when they read.
 * Bounded whatever the rules send: addresses, rules and addresses counted per rule.
 */

export interface SentAddress {
  type: string;
  value: number | boolean | null;
  rule: string;
  /** The dancer's device the value belongs to (dancer and pattern rules). */
  device?: string;
}

export interface RuleSent {
  rule: string;
  /** The OSC targets it goes to (routing). */
  targets: string[];
  address: string;
  value: number | boolean | null;
  trigger: boolean;
  at: number;
  /** Messages the rule made. */
  count: number;
  /** Distinct addresses it has sent to (capped at MAX_ADDRESSES_PER_RULE). */
  addresses: number;
}

/** Remembered concrete addresses, so a night of passing wearables cannot grow them forever. */
const MAX_SENT = 10_000;
const MAX_RULES = 256;
const MAX_ADDRESSES_PER_RULE = 1024;

export class SentValues {
  private readonly byAddress = new Map<string, SentAddress>();
  /** By rule id, least recently sent first. */
  private readonly byRule = new Map<string, { row: RuleSent; seen: Set<string> }>();

  constructor(private readonly now: () => number) {}

  private readonly listeners = new Set<(address: string, type: string, value: number | boolean | null) => void>();

  /** Told of every value as it is recorded (OSCQuery's LISTEN); returns the unsubscribe. */
  onValue(listener: (address: string, type: string, value: number | boolean | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  record(
    rule: string,
    targets: string[],
    address: string,
    type: string,
    value: number | boolean | null,
    trigger: boolean,
    device: string | undefined,
  ): void {
    const last = this.byAddress.get(address);
    if (last) last.value = value;
    else if (this.byAddress.size < MAX_SENT)
      this.byAddress.set(address, { type, value, rule, ...(device !== undefined ? { device } : {}) });

    let entry = this.byRule.get(rule);
    if (entry) this.byRule.delete(rule);
    else {
      if (this.byRule.size >= MAX_RULES) {
        // Drop the least recently sent rule (a Map iterates in insertion order).
        const oldest = this.byRule.keys().next().value;
        if (oldest !== undefined) this.byRule.delete(oldest);
      }
      entry = {
        row: { rule, targets, address, value, trigger, at: 0, count: 0, addresses: 0 },
        seen: new Set(),
      };
    }
    if (entry.seen.size < MAX_ADDRESSES_PER_RULE) entry.seen.add(address);
    const row = entry.row;
    row.targets = targets;
    row.address = address;
    row.value = value;
    row.trigger = trigger;
    row.at = this.now();
    row.count++;
    row.addresses = entry.seen.size;
    this.byRule.set(rule, entry);
    for (const listener of this.listeners) listener(address, type, value);
  }

  /** Every concrete address sent so far (OSCQuery). */
  addresses(): ReadonlyMap<string, SentAddress> {
    return this.byAddress;
  }

  /** Each rule's last message, most recently sent first (copies). */
  rules(): RuleSent[] {
    return [...this.byRule.values()].reverse().map((e) => ({ ...e.row }));
  }

  /**
   * Takes what another thread's SentValues recorded (the lane's report): the addresses that
   * changed, and (when given) every rule's last message, most recently sent first. Listeners
   * are told of each address.
   */
  absorb(addresses: [string, SentAddress][], rules: RuleSent[] | undefined): void {
    for (const [address, s] of addresses) {
      if (this.byAddress.has(address) || this.byAddress.size < MAX_SENT) this.byAddress.set(address, s);
      for (const listener of this.listeners) listener(address, s.type, s.value);
    }
    if (!rules) return;
    this.byRule.clear();
    for (let i = rules.length - 1; i >= 0; i--) this.byRule.set(rules[i]!.rule, { row: rules[i]!, seen: new Set() });
  }

  /** Forgets one dancer's device; returns the addresses dropped. */
  forget(device: string): string[] {
    const dropped: string[] = [];
    for (const [address, s] of this.byAddress) {
      if (s.device !== device) continue;
      this.byAddress.delete(address);
      dropped.push(address);
    }
    for (const [rule, e] of this.byRule)
      if (dropped.includes(e.row.address)) {
        this.byRule.delete(rule);
      }
    return dropped;
  }
}
