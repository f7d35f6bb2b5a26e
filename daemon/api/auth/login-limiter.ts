/**
 * Login throttling (rate-limiter-flexible, in memory): every attempt costs a point from the
 * client address's budget, and every failure a point from the username's budget; a
 * success clears the username's failures. Either budget spent answers 429 with Retry-After.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { ApiError } from '../errors.js';

export interface LoginLimits {
  loginFailuresPerUser: number;
  loginAttemptsPerAddress: number;
  loginWindowS: number;
}

function tooMany(res: RateLimiterRes, what: string): ApiError {
  const retryS = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return new ApiError(429, 'too_many_attempts', `too many login attempts for this ${what}; try again in ${retryS} s`, undefined, {
    'Retry-After': String(retryS),
  });
}

export class LoginLimiter {
  private readonly perUser: RateLimiterMemory;
  private readonly perAddress: RateLimiterMemory;

  constructor(limits: LoginLimits) {
    this.perUser = new RateLimiterMemory({ points: limits.loginFailuresPerUser, duration: limits.loginWindowS, keyPrefix: 'user' });
    this.perAddress = new RateLimiterMemory({ points: limits.loginAttemptsPerAddress, duration: limits.loginWindowS, keyPrefix: 'addr' });
  }

  /** Throws 429 if this address or username may not try now; counts the attempt for the address. */
  async before(username: string, address: string): Promise<void> {
    const user = await this.perUser.get(username.toLowerCase());
    if (user && user.remainingPoints <= 0) throw tooMany(user, 'username');
    try {
      await this.perAddress.consume(address);
    } catch (err) {
      if (err instanceof RateLimiterRes) throw tooMany(err, 'address');
      throw err;
    }
  }

  async failed(username: string): Promise<void> {
    try {
      await this.perUser.consume(username.toLowerCase());
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err; // already spent: the next attempt is refused
    }
  }

  async succeeded(username: string): Promise<void> {
    await this.perUser.delete(username.toLowerCase());
  }
}
