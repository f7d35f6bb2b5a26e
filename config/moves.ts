/**
 * The move library's schema (config/moves/*.yaml). A move has a length in counts (a multiple
 * of 4: half or whole 8-counts), a difficulty 1 (first lesson) to 5 (performers), an energy
 * 0..1, the hold it starts and ends in (the planner chains moves only where one ends in the
 * hold the next starts in), its hand connections, styles and tags, and optionally a filmed clip.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';

export const holds = [
  'closed',
  'open',
  'open-one-hand',
  'cross-hand',
  'hammerlock',
  'shadow',
  'sweetheart',
  'apart',
] as const;
export type Hold = (typeof holds)[number];
export const danceStyles = ['dominican', 'sensual', 'moderna'] as const;
export type DanceStyle = (typeof danceStyles)[number];

export const moveSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be lower-case letters, digits and "-"'),
  name: z.string().min(1).max(100),
  /** Counts the move takes: 4 or 8 (or 16 for long sequences). */
  counts: z.union([z.literal(4), z.literal(8), z.literal(16)]),
  difficulty: z.number().int().min(1).max(5),
  energy: z.number().min(0).max(1),
  start: z.enum(holds),
  end: z.enum(holds),
  /** Leader's hand to follower's hand, e.g. "L-R"; empty when apart. */
  hands: z.array(z.enum(['L-R', 'R-L', 'R-R', 'L-L', 'R-back', 'L-back', 'L-shoulder'])).max(4),
  styles: z.array(z.enum(danceStyles)).min(1),
  tags: z.array(z.string().min(1).max(40)).max(12),
  description: z.string().max(400),
  /** A filmed clip (path relative to the library file); moves without one get a generated placeholder. */
  clip: z.string().optional(),
});
export type Move = z.infer<typeof moveSchema>;

export const moveLibrarySchema = z.strictObject({ moves: z.array(moveSchema).min(1) }).superRefine((lib, ctx) => {
  const seen = new Set<string>();
  lib.moves.forEach((m, i) => {
    if (seen.has(m.id))
      ctx.addIssue({ code: 'custom', path: ['moves', i, 'id'], message: `duplicate move id "${m.id}"` });
    seen.add(m.id);
  });
});
export type MoveLibrary = z.infer<typeof moveLibrarySchema>;

/** The library shipped with the box (the same file from src and from dist/). */
export const BACHATA_MOVES_PATH = fileURLToPath(new URL('./moves/bachata.yaml', import.meta.url)).replace(
  /\/dist\/config\//,
  '/config/',
);

export class MoveLibraryError extends Error {}

/** Reads and validates a move library; errors name the file and the exact path (`moves.3.start`). */
export function loadMoveLibrary(file: string = BACHATA_MOVES_PATH): Move[] {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new MoveLibraryError(`${file}: ${(err as Error).message}`);
  }
  const r = moveLibrarySchema.safeParse(doc);
  if (!r.success)
    throw new MoveLibraryError(`${file}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data.moves;
}
