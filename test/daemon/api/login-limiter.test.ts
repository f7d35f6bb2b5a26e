/** The login limiter's waits, on a manual clock. */
import { describe, expect, it } from 'vitest';
import { LoginLimiter } from '../../../daemon/api/auth/login-limiter.js';

const limits = { loginFailuresPerUser: 3, loginAttemptsPerAddress: 1000, loginWindowS: 900, loginMaxDelayS: 8 };

async function refusal(l: LoginLimiter, account: string, address: string): Promise<number | undefined> {
  try {
    await l.before(account, address);
    return undefined;
  } catch (err) {
    return Number((err as { headers: Record<string, string> }).headers['Retry-After']);
  }
}

describe('the login limiter', () => {
  it('doubles the wait per failure past the free ones, capped, per account and address', async () => {
    let now = 0;
    const l = new LoginLimiter(limits, () => now);
    const waits: (number | undefined)[] = [];
    for (let i = 0; i < 8; i++) {
      const w = await refusal(l, 'id:1', 'a');
      waits.push(w);
      if (w !== undefined) now += w * 1000; // a patient guesser waits each time
      expect(await refusal(l, 'id:1', 'a')).toBeUndefined();
      l.failed('id:1', 'a');
    }
    expect(waits).toEqual([undefined, undefined, undefined, 1, 2, 4, 8, 8]);
    expect(await refusal(l, 'id:1', 'b')).toBeUndefined(); // the owner at another address
    l.succeeded('id:1', 'b');
    now += 900_001; // the window forgets
    expect(await refusal(l, 'id:1', 'a')).toBeUndefined();
  });

  it("slows an account guessed from many addresses by a minute at most, and the owner's success clears it", async () => {
    let now = 0;
    const l = new LoginLimiter(limits, () => now);
    for (let i = 0; i < 40; i++) l.failed('id:7', `10.0.0.${i}`);
    const wait = await refusal(l, 'id:7', 'owner');
    expect(wait).toBe(60);
    now += 60_000;
    expect(await refusal(l, 'id:7', 'owner')).toBeUndefined();
    l.succeeded('id:7', 'owner');
    expect(await refusal(l, 'id:7', 'someone')).toBeUndefined();
  });
});
