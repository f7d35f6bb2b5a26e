/**
 * One radio's process: runs the BLE host stack (@stoprocent/noble) on one controller, a Linux
 * HCI socket (hciN) or an HCI UART dongle, and serves it to the daemon over IPC
 * (`radio-protocol.ts`). noble holds one controller per instance and can throw from its own
 * event handlers on a controller's odd answer; in a process of its own, such a failure costs
 * this radio a restart, never the daemon or the other radios.
 *
 * Started by `RadioProcess` with its options as argv[2]. It exits when the radio is lost
 * (after saying why), when asked to close, or when the daemon goes away.
 */
import { loadNoble, preflight, type Noble, type NobleCharacteristic, type NoblePeripheral } from './noble-host.js';
import type { FromRadio, RadioChildOptions, RadioProblem, ToRadio } from './radio-protocol.js';
import { normalizeUuid } from '../gatt-uuids.js';

/** An advert for a known peripheral is forwarded at most this often unless its name or services change. */
const ADVERT_EVERY_MS = 250;
/** Links get this long to close cleanly when the radio is asked to close (the parent kills it at 1 s). */
const CLOSE_MS = 700;

const options = JSON.parse(process.argv[2] ?? '{}') as RadioChildOptions;
const radio = options.radio;
const label = radio.transport === 'socket' ? `hci${radio.device}` : `${radio.path} at ${radio.baudRate} baud`;

function send(message: FromRadio): void {
  process.send?.(message);
}

let exiting = false;
/** Says why (once) and exits after the message has left. */
function fail(problem: RadioProblem, code = 3): void {
  if (exiting) return;
  exiting = true;
  if (!process.connected) process.exit(code);
  process.send?.({ type: 'down', problem } satisfies FromRadio, undefined, {}, () => process.exit(code));
  setTimeout(() => process.exit(code), 500).unref();
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 300);
}

function main(): void {
  if (!process.send) {
    process.stderr.write('radio-child runs under the codance daemon, not on its own\n');
    process.exit(2);
  }
  process.on('disconnect', () => shutdown(0));
  process.on('uncaughtException', (err) => {
    process.stderr.write(`radio ${radio.name}: ${err.stack ?? String(err)}\n`);
    fail({ detail: `the BLE host stack failed on ${label}: ${firstLine(err)}`, permanent: false }, 70);
  });
  const problem = preflight(radio);
  if (problem) return fail(problem);
  let noble: Noble;
  try {
    noble = loadNoble(radio);
  } catch (err) {
    return fail(
      {
        detail: `the BLE binding does not load (${firstLine(err)}): run npm ci again on this machine`,
        permanent: true,
      },
      4,
    );
  }
  serve(noble);
}

const peripherals = new Map<
  string,
  { p: NoblePeripheral; sentAt: number; name: string | undefined; services: string }
>();
const characteristics = new Map<string, Map<string, NobleCharacteristic>>();
let wantScan = false;
let up = false;
let shutdown: (code: number) => void = (code) => process.exit(code);

function serve(noble: Noble): void {
  const powerTimer = setTimeout(() => {
    const detail =
      radio.transport === 'uart'
        ? `no HCI controller answers on ${label} within ${options.poweredOnTimeoutMs} ms: is it running HCI UART firmware at that speed?`
        : `hci${radio.device} did not power on within ${options.poweredOnTimeoutMs} ms (state ${noble.state}): rfkill unblock bluetooth, then hciconfig hci${radio.device} up`;
    fail({ detail, permanent: false });
  }, options.poweredOnTimeoutMs);

  let watching = false;
  noble.on('stateChange', (state) => {
    if (!watching) watching = watchTransport(noble);
    if (state === 'poweredOn') {
      if (up) return;
      up = true;
      clearTimeout(powerTimer);
      send({ type: 'up', address: noble.address });
      return;
    }
    if (up) return fail({ detail: `${label} went ${state}`, permanent: false });
    if (state === 'unsupported')
      fail({
        detail: `the kernel refuses Bluetooth sockets for hci${radio.transport === 'socket' ? radio.device : '?'} (no Bluetooth support, or no such adapter)`,
        permanent: false,
      });
    else if (state === 'unauthorized')
      fail({
        detail: `not allowed to open ${label}: the daemon needs CAP_NET_RAW and CAP_NET_ADMIN (the systemd unit grants them)`,
        permanent: false,
      });
  });

  noble.on('discover', (p) => {
    const now = Date.now();
    const name = p.advertisement.localName;
    const services = (p.advertisement.serviceUuids ?? []).map(normalizeUuid);
    const key = services.join(',');
    const known = peripherals.get(p.id);
    if (known && known.name === name && known.services === key && now - known.sentAt < ADVERT_EVERY_MS) return;
    if (!known) p.on('disconnect', (reason) => lost(p.id, reason));
    peripherals.set(p.id, { p, sentAt: now, name, services: key });
    send({
      type: 'discover',
      p: { id: p.id, address: p.address, rssi: p.rssi, ...(name === undefined ? {} : { name }), services },
    });
  });

  // This noble stops scanning to connect and does not resume: resume whenever the daemon wants it.
  const rescan = (): void => {
    if (wantScan) noble.startScanningAsync([], true).catch(() => undefined);
  };

  const peripheral = (id: string): NoblePeripheral => {
    const p = peripherals.get(id)?.p;
    if (!p) throw new Error(`unknown peripheral ${id} (not seen on ${radio.name})`);
    return p;
  };
  const characteristic = (id: string, char: string): NobleCharacteristic => {
    const c = characteristics.get(id)?.get(char);
    if (!c) throw new Error(`characteristic ${char} of ${id} was not discovered`);
    return c;
  };

  const handle = async (m: ToRadio): Promise<unknown> => {
    switch (m.op) {
      case 'scan':
        wantScan = true;
        return noble.startScanningAsync([], true);
      case 'stopScan':
        wantScan = false;
        return noble.stopScanningAsync();
      case 'connect': {
        const p = peripheral(m.id);
        try {
          await p.connectAsync();
        } finally {
          rescan();
        }
        return undefined;
      }
      case 'disconnect': {
        const p = peripheral(m.id);
        if (p.state === 'connecting') {
          p.cancelConnect();
          rescan();
          return undefined;
        }
        return p.disconnectAsync();
      }
      case 'discover': {
        // All services, then the wanted ones: noble's own "some services" call fails when a
        // wearable lacks any of them (a strap has no PMD), and never answers for none at all.
        const wanted = new Set(m.services.map(normalizeUuid));
        const services = (await peripheral(m.id).discoverServicesAsync([])).filter(
          (s) => wanted.size === 0 || wanted.has(normalizeUuid(s.uuid)),
        );
        const found: NobleCharacteristic[] = [];
        for (const service of services) found.push(...(await service.discoverCharacteristicsAsync(m.characteristics)));
        const byUuid = new Map<string, NobleCharacteristic>();
        for (const c of found) {
          const uuid = normalizeUuid(c.uuid);
          byUuid.set(uuid, c);
          c.removeAllListeners('data');
          // Notifications only: a read's answer comes back as the read's reply.
          c.on('data', (data, isNotification) => {
            if (isNotification) send({ type: 'data', id: m.id, char: uuid, data });
          });
        }
        characteristics.set(m.id, byUuid);
        return [...byUuid.entries()].map(([uuid, c]) => ({ uuid, properties: c.properties }));
      }
      case 'read':
        return characteristic(m.id, m.char).readAsync();
      case 'write':
        return characteristic(m.id, m.char).writeAsync(
          Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength),
          m.withoutResponse,
        );
      case 'subscribe':
        return characteristic(m.id, m.char).subscribeAsync();
      case 'unsubscribe':
        return characteristic(m.id, m.char).unsubscribeAsync();
      case 'rssi':
        return peripheral(m.id).updateRssiAsync();
      case 'close':
        shutdown(0);
        return undefined;
    }
  };

  process.on('message', (m: ToRadio) => {
    handle(m).then(
      (value) => send({ type: 'reply', seq: m.seq, ok: true, value }),
      (err: unknown) => send({ type: 'reply', seq: m.seq, ok: false, error: firstLine(err) }),
    );
  });

  let closing = false;
  shutdown = (code) => {
    if (closing) return;
    closing = true;
    wantScan = false;
    clearTimeout(powerTimer);
    const links = [...peripherals.values()]
      .filter((k) => k.p.state === 'connected')
      .map((k) => k.p.disconnectAsync().catch(() => undefined));
    const done = (): never => {
      try {
        noble.stop();
      } catch {
        // The stack may already be gone; the process ends either way.
      }
      process.exit(code);
    };
    void Promise.race([Promise.all(links), new Promise((r) => setTimeout(r, CLOSE_MS))]).then(done);
  };
  // A terminal's Ctrl-C or systemd's SIGTERM reaches every process of the group: each radio
  // then closes its links itself. Registered after noble's own SIGINT handler (it starts on
  // the next tick), which calls process.exit(1) when it is the last one listening.
  setImmediate(() => {
    process.on('SIGINT', () => shutdown(0));
    process.on('SIGTERM', () => shutdown(0));
  });
}

/**
 * noble swallows its transport's errors (a UART that cannot be opened or is held by another
 * program leaves it waiting forever). Its socket is reachable once it has started (by its
 * first state change); if this internal field ever moves, the power-on timeout still speaks.
 */
function watchTransport(noble: Noble): boolean {
  const socket = (
    noble as unknown as {
      _bindings?: { _hci?: { _socket?: { on?: (e: 'error', f: (err: Error) => void) => unknown } } };
    }
  )._bindings?._hci?._socket;
  if (typeof socket?.on !== 'function') return false;
  socket.on('error', (err) => {
    if (up || radio.transport !== 'uart') return;
    const busy = /lock|busy|EBUSY|EAGAIN|temporarily unavailable/i.test(err.message);
    fail({
      detail: `cannot open ${radio.path} (${firstLine(err)})${busy ? ': another program is using it (the daemon, or a scan): stop it first' : ''}`,
      permanent: false,
    });
  });
  return true;
}

function lost(id: string, reason: unknown): void {
  characteristics.delete(id);
  send({
    type: 'disconnect',
    id,
    reason:
      typeof reason === 'number'
        ? `HCI reason 0x${reason.toString(16).padStart(2, '0')}`
        : typeof reason === 'string'
          ? reason
          : 'unknown',
  });
}

main();
