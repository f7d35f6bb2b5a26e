/**
 * Remote commands are authenticated by an HMAC-SHA256 of the exact payload bytes with a
 * secret the box and its controller share (`mqtt.commandSecret`); the broker's own login is
 * not trusted alone, since anyone on a shared broker could publish. Freshness (issued_at
 * within `maxAgeS`) and a memory of recent command ids stop replays.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const sign = (secret: string, payload: Uint8Array | string): string =>
  createHmac('sha256', secret).update(payload).digest('hex');

export function verifySignature(secret: string, payload: Uint8Array, signature: string | undefined): boolean {
  if (!signature || !/^[0-9a-f]{64}$/i.test(signature)) return false;
  const want = Buffer.from(sign(secret, payload), 'hex');
  return timingSafeEqual(want, Buffer.from(signature, 'hex'));
}

/** Recent command ids with what was answered, forgotten once they could no longer pass the age check. */
export class SeenCommands<T> {
  private readonly seen = new Map<string, { until: number; answer: T }>();

  constructor(private readonly maxAgeMs: number) {}

  get(id: string, now: number): T | undefined {
    this.prune(now);
    return this.seen.get(id)?.answer;
  }

  remember(id: string, answer: T, now: number): void {
    this.seen.set(id, { until: now + 2 * this.maxAgeMs, answer });
  }

  private prune(now: number): void {
    for (const [id, e] of this.seen) if (e.until < now) this.seen.delete(id);
  }
}
