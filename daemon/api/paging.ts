/**
 * Paging and filters shared by every list: `limit`, then either `cursor` (opaque, stable
 * under inserts) or `offset`; `event_id`; `from`/`to` (ISO 8601, inclusive/exclusive) on
 * the resource's time column; `order`. Keyset on (time, id), so pages never skip or repeat.
 */
import { z } from '@hono/zod-openapi';
import { ApiError } from './errors.js';

export const isoTime = z.iso.datetime({ offset: true }).openapi({ example: '2026-11-22T21:30:00Z' });

export const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50).openapi({ description: 'page size, 1-500' }),
    cursor: z.string().max(200).optional().openapi({ description: 'next_cursor of the previous page' }),
    offset: z.coerce
      .number()
      .int()
      .min(0)
      .max(1_000_000_000)
      .optional()
      .openapi({ description: 'rows to skip (instead of cursor)' }),
    event_id: z.coerce.number().int().positive().optional().openapi({ description: 'only records of this event' }),
    from: isoTime.optional().openapi({ description: 'only records at or after this time' }),
    to: isoTime.optional().openapi({ description: 'only records before this time' }),
    order: z.enum(['asc', 'desc']).default('asc'),
  })
  .refine((q) => q.cursor === undefined || q.offset === undefined, {
    message: 'give cursor or offset, not both',
    path: ['offset'],
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), {
    message: 'from must not be after to',
    path: ['from'],
  });

export type ListQuery = z.output<typeof listQuery>;

export interface Cursor {
  t: number;
  id: number;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.t, c.id])).toString('base64url');
}

const cursorShape = z.tuple([z.number().int(), z.number().int()]);

export function decodeCursor(s: string): Cursor {
  try {
    const [t, id] = cursorShape.parse(JSON.parse(Buffer.from(s, 'base64url').toString('utf8')));
    return { t, id };
  } catch {
    throw new ApiError(
      422,
      'validation_failed',
      'query.cursor: not a cursor from this API (use next_cursor as given)',
      'query.cursor',
    );
  }
}

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    next_cursor: z
      .string()
      .nullable()
      .openapi({ description: 'pass as cursor for the next page; null on the last page' }),
  });
}
