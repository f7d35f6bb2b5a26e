/**
 * The Firmata haptic driver through johnny-five and firmata.js, over a real socat tty pair,
 * against a simulated StandardFirmata board speaking real Firmata bytes on the far end.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FirmataHapticDriver } from '../../drivers/firmata/firmata-haptic-driver.js';
import { SimulatedFirmataBoard } from '../../drivers/firmata/simulated-board.js';
import { HealthRegistry } from '../../drivers/health/registry.js';
import { serveOnSerial } from '../../drivers/serial/simulated-controller.js';
import { SocatPair } from '../helpers/socat.js';
import { sleep, waitFor } from '../helpers/wait.js';

describe('Firmata haptic board over a socat tty pair', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function rig() {
    const socat = new SocatPair();
    await socat.start();
    cleanups.push(() => socat.kill());
    const board = new SimulatedFirmataBoard();
    cleanups.push(serveOnSerial(board, socat.b));
    const health = new HealthRegistry();
    const driver = new FirmataHapticDriver({ name: 'arduino', path: socat.a, baudRate: 57600, pins: [9, 10, 3], readyTimeoutMs: 3000, reopen: { initialMs: 50, maxMs: 400, factor: 2 } }, health);
    await driver.start(new AbortController().signal);
    cleanups.push(() => driver.stop());
    return { socat, board, health, driver };
  }

  it('handshakes, sets the channel pins to PWM and plays a pulse as PWM levels, then off', async () => {
    const { board, health, driver } = await rig();
    await waitFor(() => driver.connected, 'Firmata ready');
    expect(health.get('haptic:arduino')).toMatchObject({ state: 'connected' });
    expect(health.get('haptic:arduino')!.detail).toContain('StandardFirmata');
    expect([board.modes.get(9), board.modes.get(10), board.modes.get(3)]).toEqual([3, 3, 3]);
    expect(await driver.pulse({ channel: 1, pattern: 'double', intensity: 0.5, durationMs: 90 })).toMatchObject({ ok: true });
    await waitFor(() => board.level(10) === 128, 'pin 10 at half power');
    await waitFor(() => board.writes.filter((w) => w.pin === 10 && w.value === 128).length === 2 && board.level(10) === 0, 'double pulse then off');
    expect(await driver.pulse({ channel: 3, pattern: 'constant', intensity: 1, durationMs: 10 })).toEqual({ ok: false, reason: 'channel 3 is not on this board (0..2)' });
  });

  it('survives unplug and replug: a new Firmata session, pulses flowing again', async () => {
    const { socat, board, health, driver } = await rig();
    await waitFor(() => driver.connected, 'Firmata ready');
    for (let cycle = 0; cycle < 3; cycle++) {
      await socat.kill();
      await waitFor(() => !driver.connected, 'unplug noticed');
      expect(await driver.pulse({ channel: 0, pattern: 'tick', intensity: 1, durationMs: 20 })).toEqual({ ok: false, reason: 'not_connected' });
      await sleep(30);
      await socat.start();
      await waitFor(() => driver.connected, 'Firmata ready again', 4000);
      expect(await driver.pulse({ channel: 0, pattern: 'tick', intensity: 1, durationMs: 20 })).toMatchObject({ ok: true });
      await waitFor(() => board.level(9) === 0 && board.writes.some((w) => w.pin === 9 && w.value === 255), 'tick played');
      board.writes.length = 0;
    }
    expect(health.get('haptic:arduino')!.errors?.unplugged).toBe(3);
  });
});
