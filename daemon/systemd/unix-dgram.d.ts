// unix-dgram ships no types; this is the part of its API the notifier uses.
declare module 'unix-dgram' {
  interface UnixDgramSocket {
    send(buf: Buffer, offset: number, length: number, path: string, cb: (err?: Error) => void): void;
    bind(path: string): void;
    on(event: 'error', fn: (err: Error) => void): this;
    on(event: 'message', fn: (msg: Buffer, rinfo: unknown) => void): this;
    on(event: 'listening', fn: () => void): this;
    close(): void;
  }
  export function createSocket(type: 'unix_dgram', onMessage?: (msg: Buffer) => void): UnixDgramSocket;
}
