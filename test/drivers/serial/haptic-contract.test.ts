/**
 * One contract for every serial haptic path: the in-memory simulated line `npm start` uses,
 * and a real tty pair from socat with the simulated controller on the far end. Unplug is
 * closing the line (sim) or killing socat (serial); replug brings it back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HealthRegistry } from '../../../drivers/health/registry.js';
import { openSerialPort } from '../../../drivers/serial/link.js';
import { SerialHapticDriver, serialHapticDefaults } from '../../../drivers/serial/serial-haptic-driver.js';
import {
  serveOnSerial,
  SimulatedHapticController,
  simulatedSerial,
  type SimulatedControllerOptions,
} from '../../../drivers/serial/simulated-controller.js';
import type { HapticPulse } from '../../../drivers/haptic.js';
import { SocatPair } from '../../helpers/socat.js';
import { activeTimers, sleep, waitFor } from '../../helpers/wait.js';

interface Rig {
  driver: SerialHapticDriver;
  controller: SimulatedHapticController;
  health: HealthRegistry;
  unplug(): Promise<void>;
  replug(): Promise<void>;
  close(): Promise<void>;
}

type MakeRig = (controller: SimulatedControllerOptions) => Promise<Rig>;

const options = { ...serialHapticDefaults, name: 'floor', path: '', reopen: { initialMs: 50, maxMs: 500, factor: 2 } };

const simRig: MakeRig = async (controllerOptions) => {
  const controller = new SimulatedHapticController(controllerOptions);
  const line = simulatedSerial(controller);
  const health = new HealthRegistry();
  const driver = new SerialHapticDriver({ ...options, path: 'sim://floor' }, health, line.open);
  const ac = new AbortController();
  await driver.start(ac.signal);
  return {
    driver,
    controller,
    health,
    unplug: () => Promise.resolve(line.unplug()),
    replug: () => Promise.resolve(void (line.plugged.value = true)),
    close: () => driver.stop(),
  };
};

const serialRig: MakeRig = async (controllerOptions) => {
  const socat = new SocatPair();
  await socat.start();
  const controller = new SimulatedHapticController(controllerOptions);
  // The far end is test equipment, re-served on every replug; the driver must notice alone.
  let stopServing = serveOnSerial(controller, socat.b);
  const health = new HealthRegistry();
  const driver = new SerialHapticDriver({ ...options, path: socat.a }, health, openSerialPort);
  await driver.start(new AbortController().signal);
  return {
    driver,
    controller,
    health,
    unplug: async () => {
      await socat.kill();
      await stopServing();
    },
    replug: async () => {
      await socat.start();
      stopServing = serveOnSerial(controller, socat.b);
    },
    close: async () => {
      await driver.stop();
      await stopServing();
      await socat.kill();
    },
  };
};

const pulse: HapticPulse = { channel: 2, pattern: 'double', intensity: 0.5, durationMs: 120 };

describe.each([
  ['simulated line', simRig],
  ['socat tty pair', serialRig],
] as const)('haptic controller contract over a %s', (_name, makeRig) => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('says hello, then reports the controller connected with its firmware and channels', async () => {
    rig = await makeRig({ channels: 6, firmware: 'test-fw 2.1' });
    await waitFor(() => rig!.driver.connected, 'connected');
    const h = rig.health.get('haptic:floor')!;
    expect(h.state).toBe('connected');
    expect(h.detail).toContain('test-fw 2.1');
    expect(rig.driver.channels).toBe(6);
    expect(rig.driver.controller).toEqual({ protocol: 1, channels: 6, firmware: 'test-fw 2.1' });
  });

  it('a pulse is acknowledged and the motor does exactly it, once', async () => {
    rig = await makeRig({});
    await waitFor(() => rig!.driver.connected, 'connected');
    const out = await rig.driver.pulse(pulse);
    expect(out).toMatchObject({ ok: true, attempts: 1 });
    expect(rig.controller.log).toHaveLength(1);
    expect(rig.controller.log[0]).toMatchObject({ channel: 2, pattern: 'double', durationMs: 120 });
    expect(rig.controller.log[0]!.intensity).toBeCloseTo(0.5, 2);
    expect(await rig.driver.stopChannel()).toMatchObject({ ok: true });
  });

  it('refuses a channel the controller does not have, without sending it', async () => {
    rig = await makeRig({ channels: 4 });
    await waitFor(() => rig!.driver.connected, 'connected');
    const out = await rig.driver.pulse({ ...pulse, channel: 4 });
    expect(out).toEqual({ ok: false, reason: 'channel 4 is not on this controller (0..3)' });
    expect(rig.controller.log).toHaveLength(0);
    expect(rig.health.get('haptic:floor')!.errors).toMatchObject({ bad_command: 1 });
  });

  it('resends with the same seq when a reply is lost, and the motor still acts once per pulse', async () => {
    rig = await makeRig({ loseEveryNthReply: 3 });
    await waitFor(() => rig!.driver.connected, 'connected');
    const outs = await Promise.all(
      Array.from({ length: 30 }, (_, i) => rig!.driver.pulse({ ...pulse, channel: i % 8 })),
    );
    expect(outs.filter((o) => !o.ok)).toEqual([]);
    expect(rig.controller.stats.repliesLost).toBeGreaterThan(5);
    expect(rig.controller.stats.duplicates).toBe(rig.controller.stats.repliesLost);
    expect(rig.controller.log).toHaveLength(30);
    expect(rig.driver.stats.resent).toBeGreaterThan(5);
  });

  it('while unplugged: fresh commands are sent when the line returns, stale ones are dropped', async () => {
    rig = await makeRig({});
    await waitFor(() => rig!.driver.connected, 'connected');
    await rig.unplug();
    await waitFor(() => !rig!.driver.connected, 'disconnect noticed');
    const stale = rig.driver.pulse({ ...pulse, channel: 0 });
    await sleep(options.deadlineMs + 50);
    const fresh = rig.driver.pulse({ ...pulse, channel: 1 });
    await rig.replug();
    expect(await stale).toEqual({ ok: false, reason: 'stale' });
    expect(await fresh).toMatchObject({ ok: true });
    expect(rig.controller.log.map((e) => e.channel)).toEqual([1]);
    const h = rig.health.get('haptic:floor')!;
    expect(h.errors?.stale).toBe(1);
    expect((h.errors?.unplugged ?? 0) + (h.errors?.line_closed ?? 0)).toBeGreaterThanOrEqual(1);
  });

  it('survives 20 unplug/replug cycles: no crash, no leaked timers, commands flowing within 2 s of each return', async () => {
    const timersBefore = activeTimers();
    rig = await makeRig({});
    await waitFor(() => rig!.driver.connected, 'connected');
    const recoveries: number[] = [];
    for (let cycle = 0; cycle < 20; cycle++) {
      await rig.unplug();
      await waitFor(() => !rig!.driver.connected, `cycle ${cycle}: disconnect noticed`);
      expect(rig.health.get('haptic:floor')!.state).toBe('retrying');
      await sleep(20 + (cycle % 5) * 40);
      await rig.replug();
      const back = performance.now();
      for (;;) {
        const out = await rig.driver.pulse({ ...pulse, channel: cycle % 8 });
        if (out.ok) break;
        expect(performance.now() - back, `cycle ${cycle}: no acknowledged pulse within 2 s of the return`).toBeLessThan(
          2000,
        );
      }
      recoveries.push(performance.now() - back);
    }
    expect(rig.driver.stats.lost).toBe(20);
    expect(rig.controller.log.length).toBeGreaterThanOrEqual(20);
    await rig.close();
    rig = undefined;
    await sleep(50);
    expect(activeTimers()).toBeLessThanOrEqual(timersBefore);
    process.stdout.write(
      `haptic recovery after replug (${_name}): max ${Math.max(...recoveries).toFixed(0)} ms, mean ${(recoveries.reduce((a, b) => a + b, 0) / recoveries.length).toFixed(0)} ms\n`,
    );
  });
});
