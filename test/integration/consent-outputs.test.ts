/**
 * Consent at the source, on the built daemon with real peers: a band given to a dancer who
 * declined biometric recording sends nothing of hers to oscdump, OSCQuery, MQTT telemetry or
 * the console, while another dancer's band (and an unassigned one) still do; once she
 * consents, her values start. Everything goes through the API, as a technician would do it.
 */
import mqtt from 'mqtt';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mosquitto, type Broker } from '../helpers/mosquitto.js';
import { freeUdpPort, parseOscdump, startOscdump, type Peer } from '../helpers/osc-peers.js';
import { createAccount, loginToken } from '../helpers/technician-daemon.js';
import { freePort, sleep, startDaemon, tempDir, waitForHealth } from '../helpers/daemon-process.js';

let broker: Broker;
let oscdump: Peer;
let deskPort: number;

beforeAll(async () => {
  broker = await mosquitto();
  await broker.start();
  deskPort = await freeUdpPort();
  oscdump = await startOscdump(deskPort);
});

afterAll(async () => {
  await oscdump?.stop();
  await broker?.stop();
});

/** Her band sends first, so it holds slot 1, which she takes over when it is given to her. */
const PERSONAL = /\/codance\/dancer\/1\/(hr|arousal|movement|hit)/;

describe('consent at the source', () => {
  it("keeps a declining dancer's biometrics and movement from every output, and starts them when she consents", async () => {
    const dir = tempDir();
    const env = { CODANCE_STORE__PATH: join(dir, 'codance.db') };
    createAccount(env, 'root', 'admin', 'correct horse battery');
    for (const dancer of ['nadia', 'bruno']) createAccount(env, dancer, 'dancer', 'correct horse battery');
    const port = await freePort();
    const queryPort = await freePort();
    const d = startDaemon({
      port,
      env: {
        ...env,
        CODANCE_SIMULATION__DANCERS: '3',
        CODANCE_OSC__TARGETS: `[{name: desk, host: 127.0.0.1, port: ${deskPort}}]`,
        CODANCE_OSC__QUERY__PORT: String(queryPort),
        CODANCE_MQTT__URL: broker.url,
        CODANCE_BOX__NAME: 'consent-box',
      },
    });
    const client = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
    const telemetry: string[] = [];
    client.on('message', (topic, payload) => telemetry.push(`${topic} ${payload.toString()}`));
    await client.subscribeAsync('codance/#');
    try {
      await waitForHealth(port);
      const base = `http://127.0.0.1:${port}/api/v1`;
      const call = async (path: string, token: string, init: { method?: string; body?: unknown } = {}) => {
        const res = await fetch(`${base}${path}`, {
          method: init.method ?? 'GET',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      const token = (username: string) => loginToken(`http://127.0.0.1:${port}`, username, 'correct horse battery');
      const [root, nadia, bruno] = [await token('root'), await token('nadia'), await token('bruno')];
      const idOf = async (t: string) => (await call('/users/me', t)).body.id as number;
      const [nadiaId, brunoId] = [await idOf(nadia), await idOf(bruno)];
      expect(
        (await call(`/users/${nadiaId}`, nadia, { method: 'PUT', body: { consent_biometrics: false } })).status,
      ).toBe(200);
      expect(
        (await call(`/users/${brunoId}`, bruno, { method: 'PUT', body: { consent_biometrics: true } })).status,
      ).toBe(200);

      // The bands have been sending (unassigned, so under no name) since the start.
      await sleep(1500);
      expect(parseOscdump(oscdump.output()).some((l) => l.address === '/codance/dancer/1/hr')).toBe(true);
      const devices = (await call('/biometrics/devices', root)).body.items as { id: number; device_key: string }[];
      const dev = (key: string) => devices.find((x) => x.device_key === key)!.id;
      expect(
        (
          await call(`/biometrics/devices/${dev('sim-band-001')}/assign`, root, {
            method: 'POST',
            body: { user_id: nadiaId },
          })
        ).status,
      ).toBe(201);
      expect(
        (
          await call(`/biometrics/devices/${dev('sim-band-002')}/assign`, root, {
            method: 'POST',
            body: { user_id: brunoId },
          })
        ).status,
      ).toBe(201);

      await sleep(1500); // the consent gate's cache (1 s) has seen the assignments
      const mark = oscdump.output().length;
      telemetry.length = 0;
      await sleep(4000);
      const after = parseOscdump(oscdump.output().slice(mark));
      const addresses = new Set(after.map((l) => l.address));
      expect([...addresses].filter((a) => PERSONAL.test(a))).toEqual([]);
      expect(addresses).toContain('/codance/dancer/2/hr'); // Bruno consented
      expect(addresses).toContain('/codance/dancer/3/hr'); // unassigned: no one's
      expect(addresses).toContain('/codance/dancer/2/movement');
      // OSCQuery: her addresses carry no value (not even the one from before the assignment), his are live.
      const q = (path: string) => fetch(`http://127.0.0.1:${queryPort}${path}`);
      expect(((await (await q('/codance/dancer/1/hr')).json()) as { VALUE?: unknown }).VALUE).toBeUndefined();
      // His heart rate, 0..1 across his own recent range.
      const his = ((await (await q('/codance/dancer/2/hr')).json()) as { VALUE: number[] }).VALUE[0];
      expect(his).toBeGreaterThanOrEqual(0);
      expect(his).toBeLessThanOrEqual(1);
      // MQTT telemetry: nothing of hers but device health (no value of a signal).
      const hers = telemetry.filter((m) => m.includes('sim-band-001'));
      for (const m of hers) expect(m).not.toMatch(/"(hr|bpm|heart_rate|arousal|eda|skin_temp|movement)"/);
      expect(telemetry.some((m) => m.includes('/telemetry/crowd'))).toBe(true);
      // The console: her vitals are refused, his stream.
      const refused = await call('/console/stream?device=sim-band-001&once=true', root);
      expect(refused.status).toBe(403);
      expect(
        (await call('/console/stream?device=sim-band-002&once=true', root).catch(() => ({ status: 200 }))).status,
      ).toBe(200);
      const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as {
        store: { withheldNoConsent: number };
      };
      expect(health.store.withheldNoConsent).toBeGreaterThan(0);

      // She consents: her values start.
      expect(
        (await call(`/users/${nadiaId}`, nadia, { method: 'PUT', body: { consent_biometrics: true } })).status,
      ).toBe(200);
      await sleep(1500);
      const mark2 = oscdump.output().length;
      await sleep(2500);
      const now = new Set(parseOscdump(oscdump.output().slice(mark2)).map((l) => l.address));
      expect(now).toContain('/codance/dancer/1/hr');
      expect(now).toContain('/codance/dancer/1/movement');
      expect((await q('/codance/dancer/1/hr')).status).toBe(200);
    } finally {
      await client.endAsync();
      d.child.kill('SIGTERM');
      await d.exited;
    }
  }, 60_000);
});
