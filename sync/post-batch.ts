/**
 * One batch to the cloud: POST /api/v1/ingest with the box's credential, gzip body. A failure
 * says what the client should do about it: wait (`retryAfterMs`), send less (`tooLarge`, or
 * `cut` when the link dropped or stalled mid-request), or simply back off.
 */
import { syncAck, type SyncAck } from './contract.js';

export class HttpFailure extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
    readonly tooLarge = false,
    /** The link dropped or stalled mid-request (a lossy uplink), as opposed to a cloud that is not there. */
    readonly cut = false,
  ) {
    super(message);
  }
}

/** Errors that mean "nobody answers at that address": waiting helps, smaller batches do not. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** Gateway answers a lossy path gives when a request stalls. */
const STALLED = new Set([408, 502, 504]);

export interface PostOptions {
  fetchImpl: typeof fetch;
  url: string;
  token: string;
  signal: AbortSignal;
  requestTimeoutMs: number;
}

/** Sends one gzip batch and returns the cloud's acknowledgement; throws `HttpFailure` otherwise. */
export async function postBatch(o: PostOptions, wire: Buffer): Promise<SyncAck> {
  let res: Response;
  try {
    res = await o.fetchImpl(new URL('/api/v1/ingest', o.url), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${o.token}`,
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      },
      body: wire,
      signal: AbortSignal.any([o.signal, AbortSignal.timeout(o.requestTimeoutMs)]),
    });
  } catch (err) {
    if (o.signal.aborted) throw err;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const timedOut = (err as Error).name === 'TimeoutError';
    const code = cause?.code ?? '';
    throw new HttpFailure(
      `cloud unreachable: ${timedOut ? `no answer within ${o.requestTimeoutMs} ms` : (cause?.code ?? cause?.message ?? (err as Error).message)}`,
      undefined,
      false,
      !UNREACHABLE.has(code),
    );
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw new HttpFailure(
      `connection lost reading the acknowledgement: ${(err as Error).message}`,
      undefined,
      false,
      true,
    );
  }
  if (!res.ok) {
    const retryAfter = Number(res.headers.get('retry-after'));
    const detail = text.slice(0, 200).replace(/\s+/g, ' ');
    const hint =
      res.status === 401 || res.status === 403 ? " (the cloud refused this box's credential: enrol it again)" : '';
    throw new HttpFailure(
      `cloud answered ${res.status}${hint}: ${detail}`,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
      res.status === 413,
      STALLED.has(res.status),
    );
  }
  const ack = syncAck.safeParse(safeJson(text));
  if (!ack.success) throw new HttpFailure('cloud answered 200 without a valid acknowledgement', undefined);
  return ack.data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
