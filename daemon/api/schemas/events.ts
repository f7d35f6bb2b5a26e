/** Wire contracts of /api/v1/events and its registrations. */
import { z } from '@hono/zod-openapi';
import type { Columns } from '../codec.js';
import { apiTime, columnsOf } from '../record-columns.js';
import { jsonObject, name, text } from '../openapi-common.js';
import { isoTime } from '../paging.js';

export const eventOut = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string().nullable(),
    location: z.string().nullable(),
    starts_at: apiTime,
    ends_at: apiTime,
    is_active: z.boolean(),
    capacity: z.number().int().nullable(),
    config: z.record(z.string(), z.unknown()),
    created_at: apiTime,
    updated_at: apiTime,
  })
  .openapi('Event');
/** How each column is converted between the store and the wire, read from `eventOut`. */
export const eventColumns: Columns = columnsOf(eventOut);

const eventFields = {
  name,
  description: text.nullable().optional(),
  location: z.string().max(500).nullable().optional(),
  starts_at: isoTime,
  ends_at: isoTime,
  is_active: z.boolean().optional(),
  capacity: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .nullable()
    .optional()
    .openapi({ description: 'most active registrations; null = unlimited' }),
  config: jsonObject.optional(),
};
export const eventCreate = z.strictObject(eventFields).openapi('EventCreate');
export const eventUpdate = z.strictObject(eventFields).partial().openapi('EventUpdate');

export const registrationOut = z
  .object({
    id: z.number().int(),
    event_id: z.number().int(),
    user_id: z.number().int(),
    registered_at: apiTime,
    checked_in_at: apiTime.nullable(),
    checked_out_at: apiTime.nullable(),
    is_active: z.boolean(),
  })
  .openapi('Registration');
/** How each column is converted between the store and the wire, read from `registrationOut`. */
export const registrationColumns: Columns = columnsOf(registrationOut);

export const registrationUpdate = z
  .strictObject({ is_active: z.boolean(), checked_in_at: isoTime.nullable(), checked_out_at: isoTime.nullable() })
  .partial()
  .openapi('RegistrationUpdate');

export const attendanceIn = z
  .strictObject({
    event_id: z.number().int().positive(),
    user_id: z
      .number()
      .int()
      .positive()
      .optional()
      .openapi({ description: 'someone else (see each route for who may); default yourself' }),
  })
  .openapi('Attendance');
