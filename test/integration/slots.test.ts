/**
 * Dancer slots on the built daemon, as a desk sees them through oscdump: every per-dancer
 * address carries a slot number, not a wearable, and when a dancer's band is swapped mid-night
 * (the old one released, a spare given to her) her values keep arriving at the same address.
 * The technician's API shows who holds which slot and the band they wear now.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeUdpPort, parseOscdump, startOscdump, type Peer } from '../helpers/osc-peers.js';
import { createAccount, loginToken } from '../helpers/technician-daemon.js';
import { freePort, sleep, startDaemon, tempDir, waitForHealth } from '../helpers/daemon-process.js';

let oscdump: Peer;
let deskPort: number;

beforeAll(async () => {
  deskPort = await freeUdpPort();
  oscdump = await startOscdump(deskPort);
});

afterAll(async () => {
  await oscdump?.stop();
});

const PER_DANCER = /^\/codance\/dancer\/([^/]+)\/(hr|movement|arousal|hit)$/;

describe('dancer slots', () => {
  it('addresses dancers by slot number, and a slot survives a band swap', async () => {
    const dir = tempDir();
    const env = { CODANCE_STORE__PATH: join(dir, 'codance.db') };
    createAccount(env, 'root', 'admin', 'correct horse battery');
    createAccount(env, 'ana', 'dancer', 'correct horse battery');
    const port = await freePort();
    const d = startDaemon({
      port,
      env: {
        ...env,
        CODANCE_SIMULATION__DANCERS: '3',
        CODANCE_OSC__TARGETS: `[{name: desk, host: 127.0.0.1, port: ${deskPort}, rateHz: 20}]`,
        CODANCE_OSC__QUERY__PORT: '0',
        CODANCE_PIPELINE__ENABLED: 'false',
      },
    });
    try {
      await waitForHealth(port);
      const base = `http://127.0.0.1:${port}/api/v1`;
      const root = await loginToken(`http://127.0.0.1:${port}`, 'root', 'correct horse battery');
      const call = async (path: string, init: { method?: string; body?: unknown } = {}) => {
        const res = await fetch(`${base}${path}`, {
          method: init.method ?? 'GET',
          headers: { authorization: `Bearer ${root}`, 'content-type': 'application/json' },
          ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      const anaId = ((await call('/users')).body.items as { id: number; username: string }[]).find(
        (u) => u.username === 'ana',
      )!.id;
      await sleep(1500);
      const devices = (await call('/biometrics/devices')).body.items as { id: number; device_key: string }[];
      const dev = (key: string) => devices.find((x) => x.device_key === key)!.id;

      // Band 1 goes on Ana's wrist: she takes over the slot it held.
      expect(
        (await call(`/biometrics/devices/${dev('sim-band-001')}/assign`, { method: 'POST', body: { user_id: anaId } }))
          .status,
      ).toBe(201);
      await sleep(1200);
      type Slots = { slots: { slot: number; user_name: string | null; device_keys: string[] }[] };
      const before = (await call('/slots')).body as unknown as Slots;
      const anaSlot = before.slots.find((s) => s.user_name === 'ana');
      expect(anaSlot, JSON.stringify(before)).toMatchObject({ device_keys: ['sim-band-001'] });
      const slot = anaSlot!.slot;

      // Mid-night swap: band 1 back to the desk, band 3 (the spare) given to her.
      expect((await call(`/biometrics/devices/${dev('sim-band-001')}/release`, { method: 'POST' })).status).toBe(200);
      expect(
        (await call(`/biometrics/devices/${dev('sim-band-003')}/assign`, { method: 'POST', body: { user_id: anaId } }))
          .status,
      ).toBe(201);
      await sleep(1500); // assignments are cached for up to a second
      const mark = oscdump.output().length;
      await sleep(2500);
      const after = (await call('/slots')).body as unknown as Slots;
      expect(after.slots.find((s) => s.slot === slot)).toMatchObject({
        user_name: 'ana',
        device_keys: ['sim-band-003'],
      });

      const lines = parseOscdump(oscdump.output());
      const perDancer = lines.filter((l) => PER_DANCER.test(l.address));
      expect(perDancer.length).toBeGreaterThan(50);
      // Every per-dancer address is a slot number.
      for (const l of perDancer) expect(PER_DANCER.exec(l.address)![1]).toMatch(/^[1-9]\d*$/);
      // After the swap her slot still carries her values, now from the spare band (movement: she
      // has not consented to biometrics, so her heart rate stays at the source).
      const hers = parseOscdump(oscdump.output().slice(mark)).filter(
        (l) => l.address === `/codance/dancer/${slot}/movement`,
      );
      expect(hers.length).toBeGreaterThan(10);
      // The band she gave back is unassigned now and sends under a slot of its own.
      expect(after.slots.find((s) => s.device_keys.includes('sim-band-001'))?.slot).not.toBe(slot);
    } finally {
      d.child.kill('SIGTERM');
      await d.exited;
    }
  }, 60_000);
});
