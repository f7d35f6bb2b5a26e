/** One bench figure as `npm run bench` prints it, and the helpers every bench file shares. */
export interface Figure {
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
}

/** The median of a few runs after a warm-up (run.ts decides how many). */
export type Median = (fn: () => Promise<number>) => Promise<number>;

export const round = (x: number, digits = 0): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** CLOCK_MONOTONIC in ms, which every process on the machine shares (receivers stamp with it too). */
export const monoMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** The p-th percentile (0..100) of a list, NaN for none. */
export function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}
