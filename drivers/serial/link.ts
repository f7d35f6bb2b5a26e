/**
 * The serial binding the haptic driver is given: a byte link that can be opened by path.
 * The real one is node-serialport (loaded lazily, so a box without it still starts); the
 * simulator uses an in-memory pair; tests use a socat pseudo-terminal pair.
 */
export interface SerialLink {
  write(data: Uint8Array): void;
  /** Resolves once the link is closed; idempotent. */
  close(): Promise<void>;
  onData(fn: (chunk: Uint8Array) => void): void;
  /** Called once, when the link closes for any reason (unplugged: `err.disconnected`). */
  onClose(fn: (err: Error | null) => void): void;
}

export type OpenSerial = (path: string, baudRate: number) => Promise<SerialLink>;

/** node-serialport. `open` fails with ENOENT while the device is unplugged. */
export const openSerialPort: OpenSerial = async (path, baudRate) => {
  const { SerialPort } = await import('serialport');
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  let closed = false;
  const closers: ((err: Error | null) => void)[] = [];
  const finish = (err: Error | null): void => {
    if (closed) return;
    closed = true;
    for (const fn of closers) fn(err);
  };
  port.on('close', (err: Error | null) => finish(err ?? null));
  // An error on an open port (EIO on unplug) ends the link; without a listener it would crash the process.
  port.on('error', (err: Error) => {
    finish(err);
    if (port.isOpen) port.close(() => undefined);
  });
  return {
    write: (data) => {
      if (!closed) port.write(Buffer.from(data));
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (!port.isOpen) {
          finish(null);
          resolve();
          return;
        }
        port.close(() => {
          finish(null);
          resolve();
        });
      }),
    onData: (fn) => port.on('data', (chunk: Buffer) => fn(chunk)),
    onClose: (fn) => {
      closers.push(fn);
    },
  };
};

/** Two ends of an in-memory serial line; bytes arrive asynchronously, as they would over a wire. */
export function memoryLinkPair(): [SerialLink, SerialLink] {
  const data: ((chunk: Uint8Array) => void)[][] = [[], []];
  const closers: ((err: Error | null) => void)[][] = [[], []];
  let closed = false;
  const closeBoth = (): Promise<void> => {
    if (!closed) {
      closed = true;
      for (const list of closers) for (const fn of list) fn(null);
    }
    return Promise.resolve();
  };
  const end = (me: 0 | 1): SerialLink => ({
    write: (bytes) => {
      if (closed) return;
      const copy = Uint8Array.from(bytes);
      setImmediate(() => {
        if (!closed) for (const fn of data[1 - me]!) fn(copy);
      });
    },
    close: closeBoth,
    onData: (fn) => void data[me]!.push(fn),
    onClose: (fn) => void closers[me]!.push(fn),
  });
  return [end(0), end(1)];
}
