/**
 * The hardware sections of the configuration: BLE wearables and their radios, haptic
 * controllers and MIDI ports.
 */
import { z } from 'zod';
import { backoff, retryMs, slug, uniqueNames } from './common.js';

const bleAddress = z
  .string()
  .regex(
    /^([0-9a-f]{2}:){5}[0-9a-f]{2}$|^[0-9a-f]{12,32}$/i,
    'must be a BLE address (aa:bb:cc:dd:ee:ff) or a peripheral id (hex)',
  );

export const allowEntrySchema = z
  .strictObject({
    /** BLE address or the platform's peripheral id. */
    address: bleAddress.optional().describe('A BLE address (a0:9e:1a:00:8c:4e).'),
    name: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe('Prefix of the advertised name, e.g. "Polar H10" (any device whose name starts with it).'),
  })
  .refine((e) => e.address !== undefined || e.name !== undefined, { message: 'give an address or a name prefix' });

const pmdStream = (enabled: boolean, sampleRate: number, resolution: number, range?: number) =>
  z
    .strictObject({
      enabled: z.boolean().default(enabled).describe('Start this stream on Polar devices.'),
      sampleRate: z
        .number()
        .int()
        .min(1)
        .max(10_000)
        .default(sampleRate)
        .describe('Samples per second asked of the device.'),
      resolution: z.number().int().min(1).max(32).default(resolution).describe('Bits per sample asked of the device.'),
      range:
        range === undefined
          ? z
              .number()
              .int()
              .min(1)
              .max(64)
              .optional()
              .describe('±g for accelerometers; absent for streams without a range (ECG).')
          : z
              .number()
              .int()
              .min(1)
              .max(64)
              .default(range)
              .describe('±g for accelerometers; absent for streams without a range (ECG).'),
    })
    .prefault({});

/**
 * One Bluetooth LE radio the box reads wearables through. Each runs in its own supervised
 * process (drivers/README.md, "Radios"), so a radio that fails or is unplugged never stops the others.
 */
export const bleAdapterSchema = z.discriminatedUnion('transport', [
  z.strictObject({
    name: slug.describe("The radio's name (its health component is ble:<name>)."),
    transport: z
      .literal('socket')
      .describe('A Linux HCI socket: the onboard controller or a USB dongle the kernel knows as hciN.'),
    device: z.number().int().min(0).max(63).default(0).describe('N of hciN.'),
    maxConnected: z
      .number()
      .int()
      .min(1)
      .max(64)
      .optional()
      .describe('Links on this radio at once; default `ble.maxConnected`.'),
  }),
  z.strictObject({
    name: slug.describe("The radio's name (its health component is ble:<name>)."),
    transport: z
      .literal('uart')
      .describe('A controller running HCI-over-UART firmware (H4), e.g. an nRF52 (Zephyr hci_uart) or an ESP32.'),
    path: z.string().min(1).describe('The UART device, best by id (/dev/serial/by-id/...).'),
    baudRate: z
      .number()
      .int()
      .min(9600)
      .max(4_000_000)
      .default(1_000_000)
      .describe('Must match the firmware; RTS/CTS flow control is always on.'),
    maxConnected: z
      .number()
      .int()
      .min(1)
      .max(64)
      .optional()
      .describe('Links on this radio at once; default ble.maxConnected.'),
  }),
]);

export const hapticControllerSchema = z.discriminatedUnion('transport', [
  z.strictObject({
    name: slug.describe("The controller's name (its health component is haptic:<name>)."),
    transport: z
      .literal('serial')
      .describe('A controller speaking the Codance haptic serial protocol (drivers/serial/PROTOCOL.md).'),
    path: z.string().min(1).describe('The serial device.'),
    baudRate: z.number().int().min(1200).max(4_000_000).default(115_200).describe('Line speed.'),
    channels: z
      .number()
      .int()
      .min(1)
      .max(255)
      .default(8)
      .describe("Motor channels assumed until the controller's hello says otherwise."),
  }),
  z.strictObject({
    name: slug.describe("The controller's name (its health component is haptic:<name>)."),
    transport: z.literal('firmata').describe('An Arduino running StandardFirmata; each channel is a PWM pin.'),
    path: z.string().min(1).describe('The serial device of the Arduino.'),
    baudRate: z
      .number()
      .int()
      .min(1200)
      .max(4_000_000)
      .default(57_600)
      .describe('Line speed (StandardFirmata: 57600).'),
    pins: z
      .array(z.number().int().min(0).max(127))
      .min(1)
      .max(64)
      .describe('PWM pins driving the motors, one per channel.'),
  }),
  z.strictObject({
    name: slug.describe("The simulated controller's name."),
    transport: z.literal('sim').describe('The simulated controller on an in-memory line (demo and laptops).'),
    channels: z.number().int().min(1).max(255).default(8).describe('Motor channels.'),
  }),
]);

export const bleSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .describe('Off by default: a box without Bluetooth should not report a failure it was never asked for.'),
    allowlist: z
      .array(allowEntrySchema)
      .max(500)
      .default([])
      .describe('Only these wearables are connected; everything else is only listed by `codance scan`.'),
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
      })
      .describe('The radios; none listed = one socket radio on hci0. Wearables are spread over them.'),
    maxConnected: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(7)
      .describe('Links per radio at once: typical controllers manage 7-10 reliably.'),
    connectTimeoutMs: z
      .number()
      .int()
      .min(500)
      .max(60_000)
      .default(10_000)
      .describe('How long a connect or service discovery may take.'),
    poweredOnTimeoutMs: z
      .number()
      .int()
      .min(100)
      .max(120_000)
      .default(10_000)
      .describe('How long to wait for the adapter to power on before reporting BLE unavailable.'),
    reconnect: backoff(1000, 30_000),
    adapterRetry: backoff(1000, 30_000).describe('A radio that fails or is unplugged is restarted with this backoff.'),
    rssiEveryMs: z
      .number()
      .int()
      .min(100)
      .max(600_000)
      .default(5000)
      .describe("How often each connected wearable's RSSI is read."),
    pmd: z
      .strictObject({
        acc: pmdStream(true, 50, 16, 8),
        ecg: pmdStream(false, 130, 14),
      })
      .prefault({})
      .describe('Polar Measurement Data streams started on Polar devices (H10: acc 25/50/100/200 Hz, ECG 130 Hz).'),
  })
  .prefault({});

export const hapticsSchema = z
  .strictObject({
    controllers: z
      .array(hapticControllerSchema)
      .max(32)
      .default([])
      .describe('The haptic controllers, by transport; names unique.')
      .superRefine(uniqueNames('controller')),
    ackTimeoutMs: z
      .number()
      .int()
      .min(5)
      .max(5000)
      .default(50)
      .describe('Wait this long for an acknowledgement before resending (serial controllers).'),
    retries: z
      .number()
      .int()
      .min(0)
      .max(10)
      .default(3)
      .describe('Resends of an unacknowledged command before it is dropped as no_ack.'),
    heartbeatMs: z
      .number()
      .int()
      .min(100)
      .max(60_000)
      .default(1000)
      .describe('Hello sent this often on an idle line, so a dead controller is noticed.'),
    leadMs: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(40)
      .describe('Beat-synchronous cues are sent this much before the beat, so the motor is felt on it.'),
    deadlineMs: z
      .number()
      .int()
      .min(10)
      .max(60_000)
      .default(500)
      .describe(
        'A command older than this when it could finally be sent is dropped: a late haptic is worse than none.',
      ),
    maxQueued: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(64)
      .describe('Commands waiting while a line is down; the oldest is dropped when full.'),
    reopen: backoff(100, 1000),
  })
  .prefault({});

export const midiSchema = z
  .strictObject({
    clockIn: z
      .strictObject({
        port: z
          .string()
          .min(1)
          .max(200)
          .optional()
          .describe('MIDI input port to follow clock from (24 ppqn, start/stop/continue); unset = off.'),
        retryMs: retryMs('the port (or ALSA)'),
      })
      .prefault({}),
    out: z
      .strictObject({
        port: z
          .string()
          .min(1)
          .max(200)
          .optional()
          .describe('MIDI output port for mapped CC and notes (and clock); unset = off.'),
        clock: z
          .boolean()
          .default(false)
          .describe('Send MIDI clock (24 ppqn) and start/stop from the music clock on this port.'),
        retryMs: retryMs('the port (or ALSA)'),
      })
      .prefault({}),
  })
  .prefault({});
