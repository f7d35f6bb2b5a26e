/**
 * A record's columns read from its wire shape, so each table's API shape is written once: the
 * zod schema of what the API answers (`…Out`) also says how each column is converted between
 * the store and the wire (codec.ts). A time is `apiTime` (ISO 8601 on the wire, epoch ms in the
 * store), a boolean is 0/1 in the store, an object, array or free value is JSON text; anything
 * else passes as it is.
 */
import { z } from '@hono/zod-openapi';
import type { Columns, Kind } from './codec.js';

/** A point in time as the API answers it. */
export const apiTime = z.string().openapi({ format: 'date-time', example: '2026-11-22T21:30:00.000Z' });

const JSON_TYPES = new Set(['object', 'record', 'array', 'unknown', 'any', 'tuple']);

function kindOf(schema: z.ZodType): Kind {
  let s = schema;
  // Unwrap nullable / optional / default, which change nothing of the conversion.
  for (;;) {
    const def = s.def as { type: string; innerType?: z.ZodType };
    if ((def.type === 'nullable' || def.type === 'optional' || def.type === 'default') && def.innerType)
      s = def.innerType;
    else break;
  }
  if (s === apiTime) return 'time';
  const type = (s.def as { type: string }).type;
  if (type === 'boolean') return 'bool';
  if (JSON_TYPES.has(type)) return 'json';
  return 'plain';
}

export function columnsOf(out: z.ZodObject): Columns {
  return Object.fromEntries(Object.entries(out.shape).map(([name, field]) => [name, kindOf(field as z.ZodType)]));
}
