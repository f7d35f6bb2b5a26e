/** Who is asking: the socket peer, or behind a loopback proxy the address it forwarded. */
import type { Context } from 'hono';
import { describe, expect, it } from 'vitest';
import { peerAddress, trustedPeers } from '../../../daemon/http/trusted.js';

const ctx = (socket: string | undefined, forwarded?: string): Context =>
  ({
    env: socket ? { incoming: { socket: { remoteAddress: socket } } } : {},
    req: { header: (n: string) => (n === 'x-forwarded-for' ? forwarded : undefined) },
  }) as unknown as Context;

describe('peers', () => {
  it('takes the forwarded address only from a proxy on loopback, and only its last entry', () => {
    expect(peerAddress(ctx('10.0.0.7'))).toBe('10.0.0.7');
    expect(peerAddress(ctx('10.0.0.7', '127.0.0.1'))).toBe('10.0.0.7'); // a LAN client cannot claim to be the box
    expect(peerAddress(ctx('127.0.0.1', '192.0.2.50'))).toBe('192.0.2.50');
    expect(peerAddress(ctx('::ffff:127.0.0.1', '1.2.3.4, 192.0.2.50'))).toBe('192.0.2.50');
    expect(peerAddress(ctx(undefined))).toBe('unknown');
  });

  it('trusts loopback and the configured networks, and a proxied client only if it is in them', () => {
    const trusted = trustedPeers(['192.0.2.16/28']);
    expect(trusted(ctx('127.0.0.1'))).toBe(true);
    expect(trusted(ctx('::1'))).toBe(true);
    expect(trusted(ctx('192.0.2.20'))).toBe(true);
    expect(trusted(ctx('192.0.2.50'))).toBe(false);
    expect(trusted(ctx('127.0.0.1', '192.0.2.50'))).toBe(false);
    expect(trusted(ctx('127.0.0.1', '192.0.2.17'))).toBe(true);
    expect(trusted(ctx(undefined))).toBe(false);
  });
});
