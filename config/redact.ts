/** Secrets are recognised by key name, so a secret added later is redacted without a list to keep. */
const SECRET_KEY = /(secret|password|passwd|token|api_?key|private_?key|credential)/i;
export const REDACTED = '[redacted]';

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** A deep copy of `value` with every secret-named key's value replaced (when set). */
export function redact<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => redact(v)) as T;
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // Secrets are strings: a number under a secret-sounding name (accessTokenTtlS) is a setting.
      out[k] = isSecretKey(k) && typeof v === 'string' ? REDACTED : redact(v);
    }
    return out as T;
  }
  return value;
}

/** pino `redact.paths` covering secret-named keys at the depths our log objects use. */
export const LOG_REDACT_PATHS = [
  'password',
  'token',
  'secret',
  'jwtSecret',
  'authorization',
  'refresh_token',
  'access_token',
]
  .flatMap((k) => [k, `*.${k}`, `*.*.${k}`])
  .concat(['req.headers.authorization', 'req.headers.cookie']);
