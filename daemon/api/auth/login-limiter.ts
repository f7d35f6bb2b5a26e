/**
 * Login throttling, keyed on the account a login names (whether by username or email), not
 * on the text typed, so 5 tries as `root` and 5 as its email are one budget. A name with no
 * account is throttled the same way under the name, so throttling tells nothing about which
 * names exist.
 *
 * - Per address (rate-limiter-flexible): `loginAttemptsPerAddress` attempts per window, on
 *   any accounts: one machine cannot spray guesses.
 * - Per account and address: `loginFailuresPerUser` failures are free, then each further one
 *   doubles a wait (1 s, 2 s, 4 s … up to `loginMaxDelayS`). A guesser elsewhere never locks
 *   the owner out of their own address.
 * - Per account, across addresses (guessing from many machines): after four times that many
 *   failures, a wait that doubles up to one minute at most. The owner is delayed, never
 *   denied: each wait ends, and their success clears the account's failures.
 * Every refusal is 429 with Retry-After.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { ApiError } from '../errors.js';

export interface LoginLimits {
  loginFailuresPerUser: number;
  loginAttemptsPerAddress: number;
  loginWindowS: number;
  loginMaxDelayS: number;
}

/** The longest an account-wide wait may be, so its owner is never held off for long. */
const ACCOUNT_MAX_DELAY_MS = 60_000;
/** Bound on remembered keys: past it the oldest are forgotten (memory stays small under a spray of made-up names). */
const MAX_KEYS = 50_000;

interface Failures {
  count: number;
  lastAt: number;
}

function tooMany(retryMs: number, what: string): ApiError {
  const retryS = Math.max(1, Math.ceil(retryMs / 1000));
  return new ApiError(429, 'too_many_attempts', `too many failed logins ${what}; try again in ${retryS} s`, undefined, {
    'Retry-After': String(retryS),
  });
}

export class LoginLimiter {
  private readonly perAddress: RateLimiterMemory;
  private readonly pairs = new Map<string, Failures>();
  private readonly accounts = new Map<string, Failures>();

  constructor(
    private readonly limits: LoginLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.perAddress = new RateLimiterMemory({
      points: limits.loginAttemptsPerAddress,
      duration: limits.loginWindowS,
      keyPrefix: 'addr',
    });
  }

  /** Throws 429 if this address, or this account from this address, must wait; counts the attempt for the address. */
  async before(account: string, address: string): Promise<void> {
    const t = this.now();
    const free = this.limits.loginFailuresPerUser;
    const pairWait = this.wait(this.pairs, `${account}|${address}`, free, this.limits.loginMaxDelayS * 1000, t);
    if (pairWait > 0) throw tooMany(pairWait, 'for this account from this address');
    const accountWait = this.wait(this.accounts, account, free * 4, ACCOUNT_MAX_DELAY_MS, t);
    if (accountWait > 0) throw tooMany(accountWait, 'for this account');
    try {
      await this.perAddress.consume(address);
    } catch (err) {
      if (err instanceof RateLimiterRes) throw tooMany(err.msBeforeNext, 'from this address');
      throw err;
    }
  }

  failed(account: string, address: string): void {
    const t = this.now();
    this.count(this.pairs, `${account}|${address}`, t);
    this.count(this.accounts, account, t);
  }

  succeeded(account: string, address: string): void {
    this.pairs.delete(`${account}|${address}`);
    this.accounts.delete(account);
  }

  /** Milliseconds still to wait under a key: 0 within the free failures, then 1 s doubling per failure, capped. */
  private wait(map: Map<string, Failures>, key: string, free: number, maxMs: number, t: number): number {
    const f = map.get(key);
    if (!f) return 0;
    if (t - f.lastAt > this.limits.loginWindowS * 1000) {
      map.delete(key);
      return 0;
    }
    if (f.count < free) return 0;
    const delay = Math.min(maxMs, 1000 * 2 ** Math.min(30, f.count - free));
    return Math.max(0, f.lastAt + delay - t);
  }

  private count(map: Map<string, Failures>, key: string, t: number): void {
    const f = map.get(key);
    const expired = f !== undefined && t - f.lastAt > this.limits.loginWindowS * 1000;
    map.delete(key); // re-inserted last: the map's order is least recently failed first
    map.set(key, { count: f && !expired ? f.count + 1 : 1, lastAt: t });
    if (map.size > MAX_KEYS) map.delete(map.keys().next().value!);
  }
}
