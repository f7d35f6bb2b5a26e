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
