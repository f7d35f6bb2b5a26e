/** Binds the hono app to a TCP port, with a listen failure turned into a sentence a technician can act on. */
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import type { Http2Bindings, HttpBindings } from '@hono/node-server';

export class ListenError extends Error {
  constructor(host: string, port: number, cause: NodeJS.ErrnoException) {
    const why =
      cause.code === 'EADDRINUSE'
        ? 'the address is in use by another program (choose another http.port, e.g. CODANCE_HTTP__PORT=8081)'
        : cause.code === 'EACCES'
          ? 'permission denied (ports below 1024 need CAP_NET_BIND_SERVICE)'
          : cause.code === 'EADDRNOTAVAIL'
            ? 'no interface has that address (check http.host)'
            : cause.message;
    super(`http: cannot listen on ${host}:${port}: ${why}`, { cause });
    this.name = 'ListenError';
  }
}

export interface RunningServer {
  port: number;
  /** The node server, for protocols beside HTTP (OSCQuery's WebSocket). */
  server: Server;
  close(): Promise<void>;
}

export function listen(
  app: { fetch(request: Request, env: HttpBindings | Http2Bindings): Response | Promise<Response> },
  host: string,
  port: number,
): Promise<RunningServer> {
  const server = createAdaptorServer({ fetch: (request, env) => app.fetch(request, env) }) as Server;
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new ListenError(host, port, err)));
    server.listen(port, host, () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : port,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Keep-alive sockets would hold close() open past systemd's stop timeout.
            server.closeAllConnections();
          }),
      });
    });
  });
}
