/**
 * One figure of movement per accelerometer block (interleaved x y z, in g), cheap enough to
 * compute for every block as it arrives: what mapping rules and the console show live.
 */

/** Peak |acceleration| beyond gravity in a block of x,y,z samples (g). */
export function peakMovement(values: Float32Array): number {
  let peak = 0;
  for (let i = 0; i + 2 < values.length; i += 3) {
    const x = values[i]!;
    const y = values[i + 1]!;
    const z = values[i + 2]!;
    const dev = Math.abs(Math.sqrt(x * x + y * y + z * z) - 1);
    if (dev > peak) peak = dev;
  }
  return peak;
}

/** RMS of |a| − 1 g over an accelerometer block (interleaved x y z, in g): how hard the wrist moves. */
export function movementOf(values: Float32Array, channels: number): number | undefined {
  if (channels !== 3 || values.length < 3) return undefined;
  let sum = 0;
  const n = Math.floor(values.length / 3);
  for (let i = 0; i < n; i++) {
    const x = values[i * 3]!;
    const y = values[i * 3 + 1]!;
    const z = values[i * 3 + 2]!;
    const d = Math.sqrt(x * x + y * y + z * z) - 1;
    sum += d * d;
  }
  return Math.sqrt(sum / n);
}
