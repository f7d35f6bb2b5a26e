/**
 * A TCP proxy in front of the cloud that misbehaves on demand, the way venue uplinks do:
 * `down` refuses connections, `500` answers every request with a server error, `cut-request`
 * drops the connection halfway through the request body, `cut-response` lets the request
 * reach the cloud (which commits it) and drops the connection before the acknowledgement.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export type FaultMode = 'up' | 'down' | '500' | 'cut-request' | 'cut-response';

export interface FaultProxy {
  port: number;
  mode: FaultMode;
  /** Connections handled per mode. */
  counts: Record<FaultMode, number>;
  setMode(mode: FaultMode): Promise<void>;
  close(): Promise<void>;
}

export async function faultProxy(port: number, upstreamPort: number): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  const counts: Record<FaultMode, number> = { up: 0, down: 0, '500': 0, 'cut-request': 0, 'cut-response': 0 };
  let server: Server | undefined;
  const proxy: FaultProxy = {
    port,
    mode: 'up',
    counts,
    async setMode(mode) {
      proxy.mode = mode;
      // Faults apply to new and open connections alike: a keep-alive socket must not dodge them.
      for (const s of sockets) s.destroy();
      if (mode === 'down') {
        counts.down++;
        await stop();
      } else if (!server) {
        await listen();
      }
    },
    close: stop,
  };
  function handle(client: Socket): void {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    const mode = proxy.mode;
    counts[mode]++;
    if (mode === '500') {
      client.once('data', () =>
        client.end(
          'HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: 53\r\nconnection: close\r\n\r\n{"error":{"code":"internal","message":"fault proxy"}}',
        ),
      );
      return;
    }
    const upstream = connect(upstreamPort, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => (sockets.delete(upstream), client.destroy()));
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    let sent = 0;
    client.on('data', (d: Buffer) => {
      if (mode === 'cut-request' && sent + d.length > 300) {
        upstream.write(d.subarray(0, Math.max(0, 300 - sent)));
        client.destroy();
        upstream.destroy();
        return;
      }
      sent += d.length;
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      if (mode === 'cut-response') {
        client.destroy();
        return;
      }
      client.write(d);
    });
  }
  function listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = createServer(handle);
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        server = s;
        resolve();
      });
    });
  }
  function stop(): Promise<void> {
    const s = server;
    server = undefined;
    for (const sock of sockets) sock.destroy();
    return new Promise((resolve) => (s ? s.close(() => resolve()) : resolve()));
  }
  await listen();
  return proxy;
}
