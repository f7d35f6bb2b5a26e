/**
 * Builds the box's hardware side from the configuration: input drivers (BLE wearables, replays,
 * MIDI clock in) and haptic outputs (serial, Firmata, simulated), all behind the driver
 * contract. The simulated venue runs on the real-time lane (daemon/lane/lane-inputs.ts), and
 * only ever because the configuration asks for it.
 */
import type { Config, HapticControllerConfig, ReplaySource } from '../config/index.js';
import { BleWearableDriver } from '../drivers/ble/ble-driver.js';
import { radiosFromConfig } from '../drivers/ble/radio/radios.js';
import type { Driver, InputDriverDeps } from '../drivers/driver.js';
import { FirmataHapticDriver } from '../drivers/firmata/firmata-haptic-driver.js';
import type { HapticOutput } from '../drivers/haptic.js';
import type { HealthReporter } from '../drivers/health/registry.js';
import { E4ReplayDriver } from '../drivers/replay/e4-replay-driver.js';
import { RecordingReplayDriver } from '../drivers/replay/recording-replay-driver.js';
import { Recorder, type RecordingTap } from '../drivers/replay/recording.js';
import { SerialHapticDriver } from '../drivers/serial/serial-haptic-driver.js';
import { SimulatedHapticController, simulatedSerial } from '../drivers/serial/simulated-controller.js';
import { MidiClockInDriver } from '../drivers/midi/clock-in-driver.js';
import type { ClockEvent } from '../drivers/midi/clock-tracker.js';
import type { Bus } from './bus.js';
import type { Teardowns } from './lifecycle.js';
import type { Logger } from './logger.js';

export interface Hardware {
  inputs: Driver[];
  haptics: Map<string, HapticOutput>;
}

function bleOptions(config: Config) {
  const { allowlist, connectTimeoutMs, poweredOnTimeoutMs, reconnect, rssiEveryMs, pmd } = config.ble;
  return { allowlist, connectTimeoutMs, poweredOnTimeoutMs, reconnect, rssiEveryMs, pmd };
}

function replayDriver(
  source: ReplaySource,
  config: Config,
  deps: InputDriverDeps,
  tap: RecordingTap | undefined,
): Driver {
  if (source.format === 'e4')
    return new E4ReplayDriver({ path: source.path, deviceKey: source.deviceKey, speed: source.speed }, deps);
  const { allowlist: _allowlist, ...ble } = bleOptions(config);
  return new RecordingReplayDriver(
    { path: source.path, speed: source.speed, ble, maxConnected: config.ble.maxConnected },
    deps,
    tap,
  );
}

function hapticOutput(
  c: HapticControllerConfig,
  config: Config,
  health: HealthReporter,
  tap: RecordingTap | undefined,
): HapticOutput {
  const { ackTimeoutMs, retries, heartbeatMs, deadlineMs, maxQueued, reopen } = config.haptics;
  const common = { ackTimeoutMs, retries, heartbeatMs, deadlineMs, maxQueued, reopen };
  switch (c.transport) {
    case 'serial':
      return new SerialHapticDriver(
        { ...common, name: c.name, path: c.path, baudRate: c.baudRate, channels: c.channels },
        health,
        undefined,
        undefined,
        tap,
      );
    case 'sim': {
      const line = simulatedSerial(
        new SimulatedHapticController({ channels: c.channels, firmware: 'codance-sim-haptic 1.0.0' }),
      );
      return new SerialHapticDriver(
        { ...common, name: c.name, path: `sim://${c.name}`, baudRate: 115_200, channels: c.channels },
        health,
        line.open,
        undefined,
        tap,
      );
    }
    case 'firmata':
      return new FirmataHapticDriver(
        { name: c.name, path: c.path, baudRate: c.baudRate, pins: c.pins, readyTimeoutMs: 5000, heartbeatMs, reopen },
        health,
      );
    default:
      throw new Error(`unknown haptic transport ${(c as { transport: string }).transport}`);
  }
}

export function buildHardware(
  config: Config,
  deps: InputDriverDeps,
  tap: RecordingTap | undefined,
  onClock: (e: ClockEvent) => void = () => undefined,
): Hardware {
  const inputs: Driver[] = [];
  const { port, retryMs } = config.midi.clockIn;
  if (port) inputs.push(new MidiClockInDriver({ port, retryMs }, deps.health, onClock));
  if (config.ble.enabled)
    inputs.push(new BleWearableDriver(bleOptions(config), deps, radiosFromConfig(config.ble), tap));
  for (const source of config.replay.sources) inputs.push(replayDriver(source, config, deps, tap));
  const haptics = new Map<string, HapticOutput>();
  for (const c of config.haptics.controllers) haptics.set(c.name, hapticOutput(c, config, deps.health, tap));
  return { inputs, haptics };
}

/**
 * The hardware side as the daemon runs it: drivers feed the bus, and the raw recording (when
 * configured) is open before any of them starts. Drivers start last, with `startDrivers`.
 */
export async function openHardware(
  config: Config,
  { bus, health, log }: { bus: Bus; health: HealthReporter; log: Logger },
  teardowns: Teardowns,
): Promise<Hardware> {
  let tap: RecordingTap | undefined;
  if (config.recording.path) {
    const recorder = new Recorder(config.recording.path);
    await recorder.open();
    teardowns.add('recording', () => recorder.close());
    log.info({ path: config.recording.path }, 'recording raw BLE notifications and serial frames');
    tap = (e) => recorder.write(e);
  }
  // Simulation is only ever on because the configuration says so (never a silent fallback).
  if (config.simulation.dancers > 0)
    log.warn({ dancers: config.simulation.dancers }, 'simulated venue enabled (simulation.dancers > 0)');
  const deps: InputDriverDeps = {
    emit: (s) => bus.emit('sample', s),
    announce: (d) => bus.emit('device', d),
    health,
  };
  return buildHardware(config, deps, tap, (e) => bus.emit('clock', e));
}

/** Starts every input and haptic driver; one that cannot start is logged, never keeps the rest down. */
export async function startDrivers(
  hardware: Hardware,
  signal: AbortSignal,
  teardowns: Teardowns,
  log: Logger,
): Promise<void> {
  for (const driver of [...hardware.inputs, ...hardware.haptics.values()]) {
    try {
      await teardowns.start(driver, signal);
    } catch (err) {
      // One broken source (an unreadable replay file) must not keep the rest of the box down.
      log.error({ driver: driver.name, err: (err as Error).message }, 'driver failed to start');
    }
  }
}
