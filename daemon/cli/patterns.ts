/** `codance patterns learn`: teach a movement pattern from example recordings, straight into the store. */
import { insertPattern } from '../store/repositories/patterns.js';
import { readFileSync } from 'node:fs';
import { parseHmpFile } from '../../models/patterns/hmp.js';
import { learnPattern, teacherFor, type Example } from '../../models/patterns/learn.js';
import { loadGestureModel } from '../../models/patterns/gesture-model.js';
import { withStore } from './store-session.js';
import { UsageError } from './users.js';

/** An example file: HMP's coded "x y z" lines (0..63), or plain "x y z" / "x,y,z" in g. */
export function readExample(file: string, format: 'hmp' | 'g', rateHz: number): Example {
  const text = readFileSync(file, 'utf8');
  if (format === 'hmp') return { rateHz, xyz: parseHmpFile(text, file) };
  const values: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const parts = line
      .trim()
      .split(/[\s,;]+/)
      .map(Number);
    if (parts.length !== 3 || !parts.every((v) => Number.isFinite(v) && Math.abs(v) <= 32))
      throw new UsageError(`${file} line ${i + 1}: expected three accelerations in g`);
    values.push(...parts);
  });
  return { rateHz, xyz: Float32Array.from(values) };
}

export async function learnPatternCommand(
  dbPath: string,
  opts: { name: string; description?: string; examples: Example[] },
): Promise<{ id: number; durationS: number }> {
  for (const e of opts.examples) {
    const seconds = e.xyz.length / 3 / e.rateHz;
    if (seconds < 0.5 || seconds > 30)
      throw new UsageError(`an example must last 0.5 to 30 s (one lasts ${seconds.toFixed(1)} s)`);
  }
  const model = await loadGestureModel();
  let learned;
  try {
    learned = await learnPattern(opts.examples, teacherFor(model));
  } finally {
    await model.close();
  }
  return withStore(dbPath, (sql) => {
    const id = insertPattern(sql, {
      name: opts.name,
      description: opts.description ?? null,
      pattern_data: JSON.stringify(learned),
      at: Date.now(),
    });
    if (id === undefined) throw new UsageError(`a pattern named "${opts.name}" exists already`);
    return { id, durationS: learned.durationS };
  });
}
