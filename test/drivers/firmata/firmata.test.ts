/**
 * The Firmata haptic driver through johnny-five and firmata.js, over a real socat tty pair,
 * against a simulated StandardFirmata board speaking real Firmata bytes on the far end.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FirmataHapticDriver } from '../../../drivers/firmata/firmata-haptic-driver.js';
import { SimulatedFirmataBoard } from '../../../drivers/firmata/simulated-board.js';
import { HealthRegistry } from '../../../drivers/health/registry.js';
import { serveOnSerial } from '../../../drivers/serial/simulated-controller.js';
import { SocatPair } from '../../helpers/socat.js';
import { sleep, waitFor } from '../../helpers/wait.js';

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
    // The far end is test equipment: it is re-served on every replug (a board powers up with
    // its cable), so only the driver under test has to notice the unplug by itself.
    let stopServing = serveOnSerial(board, socat.b);
    cleanups.push(() => stopServing());
    const unplug = async () => {
      await socat.kill();
      await stopServing();
    };
    const replug = async () => {
      await socat.start();
      stopServing = serveOnSerial(board, socat.b);
    };
    const health = new HealthRegistry();
    const driver = new FirmataHapticDriver(
      {
        name: 'arduino',
        path: socat.a,
        baudRate: 57600,
        pins: [9, 10, 3],
        readyTimeoutMs: 1500,
        heartbeatMs: 200,
        reopen: { initialMs: 50, maxMs: 400, factor: 2 },
      },
      health,
    );
    await driver.start(new AbortController().signal);
    cleanups.push(() => driver.stop());
    return { unplug, replug, board, health, driver };
  }

  it('handshakes, sets the channel pins to PWM and plays a pulse as PWM levels, then off', async () => {
    const { board, health, driver } = await rig();
    await waitFor(() => driver.connected, 'Firmata ready');
    expect(health.get('haptic:arduino')).toMatchObject({ state: 'connected' });
    expect(health.get('haptic:arduino')!.detail).toContain('StandardFirmata');
    // The pin modes travel over the tty after the handshake.
    await waitFor(() => [9, 10, 3].every((pin) => board.modes.get(pin) === 3), 'channel pins set to PWM (mode 3)');
    expect(await driver.pulse({ channel: 1, pattern: 'double', intensity: 0.5, durationMs: 90 })).toMatchObject({
      ok: true,
    });
    await waitFor(() => board.level(10) === 128, 'pin 10 at half power');
    await waitFor(
      () => board.writes.filter((w) => w.pin === 10 && w.value === 128).length === 2 && board.level(10) === 0,
      'double pulse then off',
    );
    expect(await driver.pulse({ channel: 3, pattern: 'constant', intensity: 1, durationMs: 10 })).toEqual({
      ok: false,
      reason: 'channel 3 is not on this board (0..2)',
    });
  });

  it('survives unplug and replug: a new Firmata session, pulses flowing again', async () => {
    const { unplug, replug, board, health, driver } = await rig();
    await waitFor(() => driver.connected, 'Firmata ready');
    for (let cycle = 0; cycle < 3; cycle++) {
      await unplug();
      await waitFor(() => !driver.connected, 'unplug noticed');
      expect(await driver.pulse({ channel: 0, pattern: 'tick', intensity: 1, durationMs: 20 })).toEqual({
        ok: false,
        reason: 'not_connected',
      });
      await sleep(30);
      await replug();
      await waitFor(() => driver.connected, 'Firmata ready again', 6000).catch((e: Error) => {
        throw new Error(
          `${e.message}; health: ${JSON.stringify(health.get('haptic:arduino'))}; board attachments ${board.attachments} (cycle ${cycle}), bytes in ${board.received}`,
        );
      });
      expect(await driver.pulse({ channel: 0, pattern: 'tick', intensity: 1, durationMs: 20 })).toMatchObject({
        ok: true,
      });
      await waitFor(
        () => board.level(9) === 0 && board.writes.some((w) => w.pin === 9 && w.value === 255),
        'tick played',
      );
      board.writes.length = 0;
    }
    expect(health.get('haptic:arduino')!.errors?.unplugged).toBe(3);
  });
});
