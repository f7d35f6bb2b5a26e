/** The cloud's error envelope, the same as the box's: `{ error: { code, message, field? } }`. */
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export class CloudError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'CloudError';
  }
}

/** Another organisation's resources answer exactly like missing ones: existence is not disclosed. */
export const notFound = (what: string, id: number | string): CloudError =>
  new CloudError(404, 'not_found', `no ${what} ${id}`);
export const forbidden = (message: string): CloudError => new CloudError(403, 'forbidden', message);
