/**
 * The hardware sections of the configuration: BLE wearables and their radios, haptic
 * controllers and MIDI ports.
 */
import { z } from 'zod';
import { backoff, slug } from './common.js';

const bleAddress = z
  .string()
  .regex(
    /^([0-9a-f]{2}:){5}[0-9a-f]{2}$|^[0-9a-f]{12,32}$/i,
    'must be a BLE address (aa:bb:cc:dd:ee:ff) or a peripheral id (hex)',
  );

export const allowEntrySchema = z
  .strictObject({
    /** BLE address or the platform's peripheral id. */
    address: bleAddress.optional(),
    /** Prefix of the advertised name, e.g. "Polar H10" (any device whose name starts with it). */
    name: z.string().min(1).max(64).optional(),
  })
  .refine((e) => e.address !== undefined || e.name !== undefined, { message: 'give an address or a name prefix' });

const pmdStream = (enabled: boolean, sampleRate: number, resolution: number, range?: number) =>
  z
    .strictObject({
      enabled: z.boolean().default(enabled),
      sampleRate: z.number().int().min(1).max(10_000).default(sampleRate),
      resolution: z.number().int().min(1).max(32).default(resolution),
      /** ±g for accelerometers; absent for streams without a range (ECG). */
      range:
        range === undefined
          ? z.number().int().min(1).max(64).optional()
          : z.number().int().min(1).max(64).default(range),
    })
    .prefault({});

/**
 * One Bluetooth LE radio the box reads wearables through. Each runs in its own supervised
 * process (drivers/README.md, "Radios"), so a radio that fails or is unplugged never stops the others.
 */
export const bleAdapterSchema = z.discriminatedUnion('transport', [
  z.strictObject({
    name: slug,
    /** A Linux HCI socket: the onboard controller or a USB dongle the kernel knows as hciN. */
    transport: z.literal('socket'),
    device: z.number().int().min(0).max(63).default(0),
    /** Links on this radio at once; default `ble.maxConnected`. */
    maxConnected: z.number().int().min(1).max(64).optional(),
  }),
  z.strictObject({
    name: slug,
    /** A controller running HCI-over-UART firmware (H4), e.g. an nRF52 (Zephyr hci_uart) or an ESP32. */
    transport: z.literal('uart'),
    path: z.string().min(1),
    /** Must match the firmware; RTS/CTS flow control is always on. */
    baudRate: z.number().int().min(9600).max(4_000_000).default(1_000_000),
    maxConnected: z.number().int().min(1).max(64).optional(),
  }),
]);

export const hapticControllerSchema = z.discriminatedUnion('transport', [
  z.strictObject({
    name: slug,
    /** A controller speaking the Codance haptic serial protocol (drivers/serial/PROTOCOL.md). */
    transport: z.literal('serial'),
    path: z.string().min(1),
    baudRate: z.number().int().min(1200).max(4_000_000).default(115_200),
    channels: z.number().int().min(1).max(255).default(8),
  }),
  z.strictObject({
    name: slug,
    /** An Arduino running StandardFirmata; each channel is a PWM pin. */
    transport: z.literal('firmata'),
    path: z.string().min(1),
    baudRate: z.number().int().min(1200).max(4_000_000).default(57_600),
    pins: z.array(z.number().int().min(0).max(127)).min(1).max(64),
  }),
  z.strictObject({
    name: slug,
    /** The simulated controller on an in-memory line (demo and laptops). */
    transport: z.literal('sim'),
    channels: z.number().int().min(1).max(255).default(8),
  }),
]);

export const bleSchema = z
  .strictObject({
    /** Off by default: a box without Bluetooth should not report a failure it was never asked for. */
    enabled: z.boolean().default(false),
    /** Only these wearables are connected; everything else is only listed by `codance scan`. */
    allowlist: z.array(allowEntrySchema).max(500).default([]),
    /** The radios; none listed = one socket radio on hci0. Wearables are spread over them. */
    adapters: z
      .array(bleAdapterSchema)
      .max(16)
      .default([])
      .superRefine((list, ctx) => {
        const names = new Set<string>();
        const places = new Set<string>();
        list.forEach((a, i) => {
          if (names.has(a.name))
            ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate radio name "${a.name}"` });
          names.add(a.name);
          const place = a.transport === 'socket' ? `hci${a.device}` : a.path;
          if (places.has(place))
            ctx.addIssue({
              code: 'custom',
              path: [i, a.transport === 'socket' ? 'device' : 'path'],
              message: `${place} is already used by another radio`,
            });
          places.add(place);
        });
      }),
    /** Links per radio at once: typical controllers manage 7-10 reliably. */
    maxConnected: z.number().int().min(1).max(64).default(7),
    connectTimeoutMs: z.number().int().min(500).max(60_000).default(10_000),
    /** How long to wait for the adapter to power on before reporting BLE unavailable. */
    poweredOnTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    reconnect: backoff(1000, 30_000),
    /** A radio that fails or is unplugged is restarted with this backoff. */
    adapterRetry: backoff(1000, 30_000),
    rssiEveryMs: z.number().int().min(100).max(600_000).default(5000),
    /** Polar Measurement Data streams started on Polar devices (H10: acc 25/50/100/200 Hz, ECG 130 Hz). */
    pmd: z
      .strictObject({
        acc: pmdStream(true, 50, 16, 8),
        ecg: pmdStream(false, 130, 14),
      })
      .prefault({}),
  })
  .prefault({});

export const hapticsSchema = z
  .strictObject({
    controllers: z
      .array(hapticControllerSchema)
      .max(32)
      .default([])
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((c, i) => {
          if (seen.has(c.name))
            ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate controller name "${c.name}"` });
          seen.add(c.name);
        });
      }),
    /** Wait this long for an acknowledgement before resending (serial controllers). */
    ackTimeoutMs: z.number().int().min(5).max(5000).default(50),
    retries: z.number().int().min(0).max(10).default(3),
    heartbeatMs: z.number().int().min(100).max(60_000).default(1000),
    /** Beat-synchronous cues are sent this much before the beat, so the motor is felt on it. */
    leadMs: z.number().int().min(0).max(1000).default(40),
    /** A command older than this when it could finally be sent is dropped: a late haptic is worse than none. */
    deadlineMs: z.number().int().min(10).max(60_000).default(500),
    /** Commands waiting while a line is down; the oldest is dropped when full. */
    maxQueued: z.number().int().min(1).max(10_000).default(64),
    reopen: backoff(100, 1000),
  })
  .prefault({});

export const midiSchema = z
  .strictObject({
    clockIn: z
      .strictObject({
        /** MIDI input port to follow clock from (24 ppqn, start/stop/continue); unset = off. */
        port: z.string().min(1).max(200).optional(),
        /** While the port (or ALSA) is missing, try again this often. */
        retryMs: z.number().int().min(200).max(600_000).default(5000),
      })
      .prefault({}),
    out: z
      .strictObject({
        /** MIDI output port for mapped CC and notes (and clock); unset = off. */
        port: z.string().min(1).max(200).optional(),
        /** Send MIDI clock (24 ppqn) and start/stop from the music clock on this port. */
        clock: z.boolean().default(false),
        retryMs: z.number().int().min(200).max(600_000).default(5000),
      })
      .prefault({}),
  })
  .prefault({});
