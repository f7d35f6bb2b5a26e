/**
 * The last output latencies of each OSC target (arrival of what caused a message to the
 * moment it was handed to the socket), in a fixed ring per target: the console's OSC monitor
 * reads their percentiles. One array write per message.
 */
const SAMPLES = 2048;

export class TargetLatency {
  private readonly rings = new Map<string, { values: Float64Array; n: number }>();

  record(target: string, ms: number): void {
    let ring = this.rings.get(target);
    if (!ring) this.rings.set(target, (ring = { values: new Float64Array(SAMPLES), n: 0 }));
    ring.values[ring.n % SAMPLES] = ms;
    ring.n++;
  }

  /** The retained latencies of one target, sorted ascending (a copy). */
  sorted(target: string): Float64Array {
    const ring = this.rings.get(target);
    if (!ring) return new Float64Array(0);
    return ring.values.slice(0, Math.min(ring.n, SAMPLES)).sort();
  }
}
