/**
 * systemd's notify protocol (sd_notify): READY=1 once the daemon serves, WATCHDOG=1 at half
 * of WATCHDOG_USEC while the event loop runs, STOPPING=1 on the way down. Does nothing
 * when NOTIFY_SOCKET is unset (a terminal, the tests, another supervisor).
 *
 * Node has no AF_UNIX datagram sockets, so the binding is unix-dgram (an optional native
 * dependency), loaded lazily only when systemd asks for notifications.
 */
export interface NotifySocket {
  send(message: string): Promise<void>;
  close(): void;
}

export type NotifySocketFactory = (path: string) => Promise<NotifySocket>;

export interface NotifyLog {
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export const unixDgramSocket: NotifySocketFactory = async (path) => {
  if (path.startsWith('@'))
    throw new Error('abstract NOTIFY_SOCKET addresses are not supported by the unix-dgram binding');
  const { createSocket } = await import('unix-dgram');
  const socket = createSocket('unix_dgram');
  socket.on('error', () => undefined); // reported through each send's callback instead
  return {
    send: (message) =>
      new Promise((resolve, reject) => {
        const buf = Buffer.from(message);
        socket.send(buf, 0, buf.length, path, (err) => (err ? reject(err) : resolve()));
      }),
    close: () => socket.close(),
  };
};

export class SystemdNotifier {
  private socket: NotifySocket | undefined;
  private watchdog: NodeJS.Timeout | undefined;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly log: NotifyLog,
    private readonly factory: NotifySocketFactory = unixDgramSocket,
  ) {}

  get enabled(): boolean {
    return Boolean(this.env.NOTIFY_SOCKET);
  }

  /** Opens the socket; a failure is logged, never fatal (the daemon is still useful without it). */
  async start(): Promise<void> {
    const path = this.env.NOTIFY_SOCKET;
    if (!path || this.socket) return;
    try {
      this.socket = await this.factory(path);
    } catch (err) {
      this.log.warn({ err, notifySocket: path }, 'systemd notify unavailable; a Type=notify unit will time out');
    }
  }

  /** READY=1, then the watchdog keep-alive if the unit asked for one. */
  async ready(status: string): Promise<void> {
    await this.send(`READY=1\nSTATUS=${status}`);
    const usec = Number(this.env.WATCHDOG_USEC);
    const pid = this.env.WATCHDOG_PID;
    if (!Number.isFinite(usec) || usec <= 0 || (pid && Number(pid) !== process.pid)) return;
    const everyMs = Math.max(1, Math.floor(usec / 2000));
    this.watchdog = setInterval(() => void this.send('WATCHDOG=1'), everyMs);
    this.log.debug({ everyMs }, 'systemd watchdog enabled');
  }

  async stopping(): Promise<void> {
    clearInterval(this.watchdog);
    this.watchdog = undefined;
    await this.send('STOPPING=1');
  }

  close(): void {
    clearInterval(this.watchdog);
    this.socket?.close();
    this.socket = undefined;
  }

  private async send(message: string): Promise<void> {
    if (!this.socket) return;
    try {
      await this.socket.send(message);
    } catch (err) {
      this.log.warn({ err, message: message.split('\n')[0] }, 'systemd notify send failed');
    }
  }
}
