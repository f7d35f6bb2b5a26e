/**
 * Who is asking. The socket's peer, except behind a TLS proxy on the box itself: a request
 * from loopback that carries `X-Forwarded-For` is judged by the last address there (the one
 * the proxy wrote; the nginx config in systemd/README.md overwrites whatever the client sent). Nothing
 * off the box can reach a loopback listener, so only a local proxy can speak for a client.
 */
import type { Context } from 'hono';
import { allowListOf, isLoopbackHost } from '../../drivers/net/allow-list.js';

export function peerAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const socket = env?.incoming?.socket?.remoteAddress;
  if (socket === undefined) return 'unknown';
  const plain = socket.startsWith('::ffff:') ? socket.slice(7) : socket;
  const forwarded = c.req.header('x-forwarded-for');
  if (forwarded && isLoopbackHost(plain)) return forwarded.split(',').pop()!.trim() || 'unknown';
  return socket;
}

/** Who may read the box's operational details (/metrics, /health in full): loopback and `http.trusted`. */
export function trustedPeers(entries: readonly string[]): (c: Context) => boolean {
  const allowed = allowListOf(entries);
  return (c) => allowed(peerAddress(c));
}
