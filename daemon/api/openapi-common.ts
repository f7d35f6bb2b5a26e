/** Schemas and response blocks that every route group shares. */
import { z } from '@hono/zod-openapi';

export const errorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'validation_failed' }),
      message: z.string().openapi({ example: 'body.email: Invalid email address' }),
      field: z.string().optional().openapi({ example: 'body.email' }),
    }),
  })
  .openapi('Error');

const errorText: Record<number, string> = {
  401: 'no valid bearer token',
  403: 'the role or the record owner does not allow this',
  404: 'no such record',
  409: 'conflicts with the current state (duplicate, full, not registered, ...)',
  413: 'body too large',
  422: 'invalid input; the message names the field',
  429: 'too many attempts',
};

/** Error responses for the OpenAPI document. */
export function errors(
  ...codes: number[]
): Record<number, { description: string; content: { 'application/json': { schema: typeof errorBody } } }> {
  return Object.fromEntries(
    codes.map((code) => [
      code,
      { description: errorText[code] ?? 'error', content: { 'application/json': { schema: errorBody } } },
    ]),
  );
}

export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

export function body<T extends z.ZodType>(schema: T) {
  return { required: true, content: { 'application/json': { schema } } };
}

export const idParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'id', in: 'path' }, example: 1 }),
});

/** A free-form JSON object (parameters, configuration, coordinates), bounded so it cannot balloon. */
export const jsonObject = z
  .record(z.string().max(100), z.unknown())
  .refine((o) => JSON.stringify(o).length <= 64 * 1024, { message: 'must be at most 64 KiB as JSON' })
  .openapi({ type: 'object', additionalProperties: true });

export const name = z.string().trim().min(1).max(200);
export const text = z.string().max(10_000);

/** A downloaded audio file (a song's or a sound sample's), as OpenAPI describes the answer. */
export const audioFile = {
  description: 'the audio file',
  content: { 'application/octet-stream': { schema: { type: 'string' as const, format: 'binary' } } },
};
