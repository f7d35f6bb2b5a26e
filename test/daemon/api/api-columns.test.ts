/**
 * A record's columns are read from its wire schema (daemon/api/record-columns.ts): times,
 * booleans and JSON are found by their schema, and every `…_at` column of every record is a
 * time, so a new timestamp written as a plain string in a schema fails here rather than
 * reaching the wire as epoch milliseconds.
 */
import { z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import type { Columns } from '../../../daemon/api/codec.js';
import { apiTime, columnsOf } from '../../../daemon/api/record-columns.js';
import * as events from '../../../daemon/api/schemas/events.js';
import * as output from '../../../daemon/api/schemas/output.js';
import * as signals from '../../../daemon/api/schemas/signals.js';
import * as songs from '../../../daemon/api/schemas/songs.js';
import * as users from '../../../daemon/api/schemas/users.js';

describe('record columns', () => {
  it('reads each kind from the wire schema', () => {
    expect(
      columnsOf(
        z.object({
          id: z.number().int(),
          at: apiTime,
          ended_at: apiTime.nullable(),
          ok: z.boolean(),
          config: z.record(z.string(), z.unknown()),
          tags: z.array(z.string()).optional(),
          name: z.string(),
        }),
      ),
    ).toEqual({ id: 'plain', at: 'time', ended_at: 'time', ok: 'bool', config: 'json', tags: 'json', name: 'plain' });
  });

  it('makes every …_at column of every record a time', () => {
    const maps: Record<string, Columns> = {};
    for (const mod of [events, output, signals, songs, users])
      for (const [name, value] of Object.entries(mod))
        if (name.endsWith('Columns') && value && typeof value === 'object') maps[name] = value as Columns;
    maps.soundEvents = output.outputEventSchemas('Sound', 'sound_type', 'movement_data_id').columns;
    expect(Object.keys(maps).length).toBeGreaterThanOrEqual(13);
    const plainTimes = Object.entries(maps).flatMap(([map, cols]) =>
      Object.entries(cols)
        .filter(([col, kind]) => col.endsWith('_at') && kind !== 'time')
        .map(([col]) => `${map}.${col}`),
    );
    expect(plainTimes).toEqual([]);
  });
});
