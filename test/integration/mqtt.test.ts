/**
 * The box's MQTT link against a real mosquitto (MQTT 5), on the built daemon: retained
 * presence with a last will, signed remote commands (a preset switch) with acknowledgements
 * on the MQTT 5 response topic, every refusal (unsigned, forged, stale, replayed, malformed,
 * unknown), and a broker that is down when the box starts.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign } from '../../sync/mqtt/command-auth.js';
import { crowdTelemetry, healthTelemetry, syncTelemetry } from '../../sync/mqtt/contracts.js';
import { tempDir, type DaemonProcess } from '../helpers/daemon-process.js';
import { mosquitto, type Broker } from '../helpers/mosquitto.js';
import { technicianDaemon } from '../helpers/technician-daemon.js';
import { waitFor } from '../helpers/wait.js';

const SECRET = 'a-long-shared-secret-for-signing-commands-0001';
const BOX = 'mqtt-test-box';
const base = `codance/${BOX}`;

let broker: Broker;
let daemon: DaemonProcess | undefined;
let client: MqttClient;
let http: string;
let auth: Record<string, string>;
const received: { topic: string; payload: string; correlation?: string; retain: boolean }[] = [];

function configFile(url: string): string {
  const dir = tempDir();
  const file = join(dir, 'box.yaml');
  writeFileSync(
    file,
    [
      `box:\n  name: ${BOX}`,
      `store:\n  path: ${join(dir, 'box.db')}`,
      'simulation:\n  dancers: 2',
      `mqtt:\n  url: ${url}\n  commandSecret: ${SECRET}\n  reconnectMs: 200\n  maxCommandAgeS: 60`,
      'mapping:\n  presets:\n    salsa-night:\n      kind: sound\n      rules:\n        - {id: salsa-beat, source: {kind: clock, on: beat}, target: {kind: osc, address: /salsa/beat, type: i}}',
    ].join('\n'),
  );
  return file;
}

async function boot(url: string): Promise<void> {
  ({ daemon, base: http, auth } = await technicianDaemon(configFile(url)));
}

const mqttHealth = async (): Promise<{ state: string; detail: string } | undefined> => {
  const h = (await (await fetch(`${http}/api/v1/devices/health`, { headers: auth })).json()) as {
    subsystems: { id: string; state: string; detail: string }[];
  };
  return h.subsystems.find((s) => s.id === 'mqtt');
};

interface AckBody {
  id: string | null;
  command: string | null;
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string };
}

/** Publishes a command (signed unless told otherwise) and waits for its ack. */
async function send(
  command: string,
  payload: object | string,
  o: { signature?: string | null; responseTopic?: boolean } = {},
): Promise<AckBody & { topic: string; correlation?: string }> {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const correlation = randomUUID();
  const userProperties = o.signature === null ? undefined : { signature: o.signature ?? sign(SECRET, body) };
  const before = received.length;
  await client.publishAsync(`${base}/cmd/${command}`, body, {
    qos: 1,
    properties: {
      ...(userProperties ? { userProperties } : {}),
      ...(o.responseTopic === false
        ? {}
        : { responseTopic: 'controller/replies', correlationData: Buffer.from(correlation) }),
    },
  });
  const reply = await waitFor(
    () => received.slice(before).find((m) => m.topic === 'controller/replies' || m.topic === `${base}/ack`),
    `an ack for ${command}`,
    5000,
    10,
  );
  return {
    ...(JSON.parse(reply.payload) as AckBody),
    topic: reply.topic,
    ...(reply.correlation ? { correlation: reply.correlation } : {}),
  };
}

const cmd = (command: string, args: object, issuedAt = new Date()) => ({
  id: randomUUID(),
  command,
  args,
  issued_at: issuedAt.toISOString(),
});

beforeAll(async () => {
  broker = await mosquitto();
  await broker.start();
  client = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: `controller-${randomUUID()}` });
  client.on('message', (topic, payload, packet) =>
    received.push({
      topic,
      payload: payload.toString(),
      retain: packet.retain,
      ...(packet.properties?.correlationData ? { correlation: packet.properties.correlationData.toString() } : {}),
    }),
  );
  await client.subscribeAsync([`${base}/status`, `${base}/ack`, 'controller/replies'], { qos: 1 });
  await boot(broker.url);
}, 60_000);

afterAll(async () => {
  if (daemon) {
    daemon.child.kill('SIGTERM');
    await daemon.exited;
  }
  await client?.endAsync();
  await broker?.stop();
});

describe('MQTT presence and remote commands', () => {
  it('publishes retained presence "online" with its version once connected, and reports mqtt connected in health', async () => {
    await waitFor(
      () =>
        received.find(
          (m) => m.topic === `${base}/status` && (JSON.parse(m.payload) as { state: string }).state === 'online',
        ),
      'online presence',
    );
    expect(await mqttHealth()).toMatchObject({ state: 'connected' });
    // Retained: a controller that connects later still sees it.
    const late = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
    const seen: string[] = [];
    late.on('message', (_t, p, packet) => packet.retain && seen.push(p.toString()));
    await late.subscribeAsync(`${base}/status`);
    await waitFor(() => seen.length > 0, 'the retained status');
    expect(JSON.parse(seen[0]!)).toMatchObject({ state: 'online', box: BOX, version: expect.any(String) as unknown });
    await late.endAsync();
  });

  it('switches a preset by a signed command, acknowledged on the response topic with the correlation data', async () => {
    const reply = await send('preset.switch', cmd('preset.switch', { kind: 'sound', name: 'salsa-night' }));
    expect(reply).toMatchObject({
      topic: 'controller/replies',
      ok: true,
      command: 'preset.switch',
      result: { sound: 'salsa-night' },
    });
    expect(reply.correlation).toBeDefined();
    const mapping = (await (await fetch(`${http}/api/v1/mapping`, { headers: auth })).json()) as {
      active: { sound: string | null };
    };
    expect(mapping.active.sound).toBe('salsa-night');
    // Without a response topic the ack goes to the box's ack topic; null switches the preset off.
    const off = await send('preset.switch', cmd('preset.switch', { kind: 'sound', name: null }), {
      responseTopic: false,
    });
    expect(off).toMatchObject({ topic: `${base}/ack`, ok: true, result: { sound: null } });
  });

  it('refuses unsigned, forged, stale, mismatched, malformed and unknown commands, and an unknown preset, saying why', async () => {
    const good = cmd('preset.switch', { kind: 'sound', name: 'salsa-night' });
    const unsigned = await send('preset.switch', good, { signature: null });
    // An unsigned command is answered only on the box's own ack topic, never where its sender asked.
    expect(unsigned).toMatchObject({ topic: `${base}/ack`, ok: false, error: { code: 'unauthorized' } });
    expect(
      await send('preset.switch', good, {
        signature: sign('some-other-secret-entirely-of-32-chars!', JSON.stringify(good)),
      }),
    ).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const stale = await send(
      'preset.switch',
      cmd('preset.switch', { kind: 'sound', name: 'salsa-night' }, new Date(Date.now() - 10 * 60_000)),
    );
    expect(stale).toMatchObject({ ok: false, error: { code: 'stale' } });
    expect(stale.error!.message).toMatch(/maxCommandAgeS = 60/);
    expect(await send('preset.switch', cmd('event.start', {}))).toMatchObject({
      ok: false,
      error: { code: 'invalid' },
    });
    expect(await send('preset.switch', 'not json {')).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: 'the payload is not JSON' },
    });
    const badArgs = await send('preset.switch', cmd('preset.switch', { kind: 'lights', name: 'x' }));
    expect(badArgs).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(badArgs.error!.message).toMatch(/args\.kind/);
    expect(await send('reboot', cmd('reboot', {}))).toMatchObject({ ok: false, error: { code: 'unknown_command' } });
    const missing = await send('preset.switch', cmd('preset.switch', { kind: 'sound', name: 'no-such-preset' }));
    expect(missing).toMatchObject({ ok: false, error: { code: 'failed' } });
    expect(missing.error!.message).toMatch(/no-such-preset/);
    const mapping = (await (await fetch(`${http}/api/v1/mapping`, { headers: auth })).json()) as {
      active: { sound: string | null };
    };
    expect(mapping.active.sound).toBeNull();
  });

  it('runs a redelivered command once and answers it again the same way', async () => {
    const once = cmd('preset.switch', { kind: 'sound', name: 'salsa-night' });
    const first = await send('preset.switch', once);
    expect(first.ok).toBe(true);
    // Switch it off in between: a replay of `once` must not switch it back on.
    expect((await send('preset.switch', cmd('preset.switch', { kind: 'sound', name: null }))).ok).toBe(true);
    const again = await send('preset.switch', once);
    expect(again).toMatchObject({ id: once.id, ok: true, result: first.result });
    const mapping = (await (await fetch(`${http}/api/v1/mapping`, { headers: auth })).json()) as {
      active: { sound: string | null };
    };
    expect(mapping.active.sound).toBeNull();
  });

  it('publishes crowd telemetry at 1 Hz and retained health and sync telemetry, each valid against its schema', async () => {
    const seen: { topic: string; payload: string; retain: boolean; at: number }[] = [];
    const watcher = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: `dashboard-${randomUUID()}` });
    watcher.on('message', (topic, payload, packet) =>
      seen.push({ topic, payload: payload.toString(), retain: packet.retain, at: Date.now() }),
    );
    await watcher.subscribeAsync(`${base}/telemetry/#`, { qos: 1 });
    try {
      await waitFor(
        () =>
          seen.filter((m) => m.topic === `${base}/telemetry/crowd`).length >= 5 &&
          seen.some((m) => m.topic === `${base}/telemetry/health`) &&
          seen.some((m) => m.topic === `${base}/telemetry/sync`),
        'crowd, health and sync telemetry',
        20_000,
        50,
      );
      const crowd = seen.filter((m) => m.topic === `${base}/telemetry/crowd`);
      for (const m of crowd) expect(crowdTelemetry.safeParse(JSON.parse(m.payload)).success, m.payload).toBe(true);
      const gaps = crowd
        .slice(1)
        .map((m, i) => m.at - crowd[i]!.at)
        .sort((x, y) => x - y);
      expect(gaps[Math.floor(gaps.length / 2)]!).toBeGreaterThan(700);
      expect(gaps[Math.floor(gaps.length / 2)]!).toBeLessThan(1300);
      const health = healthTelemetry.parse(
        JSON.parse(seen.find((m) => m.topic === `${base}/telemetry/health`)!.payload),
      );
      expect(health.components.find((c) => c.id === 'mqtt')?.state).toBe('connected');
      const sync = syncTelemetry.parse(JSON.parse(seen.find((m) => m.topic === `${base}/telemetry/sync`)!.payload));
      expect(sync.state).toBe('not_enrolled');
      expect(sync.backlog_entries).toBeGreaterThan(0);
    } finally {
      await watcher.endAsync();
    }
    // retained: a dashboard connecting now gets the last health and sync at once
    const late = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: `late-${randomUUID()}` });
    const retained: string[] = [];
    late.on('message', (topic, _p, packet) => packet.retain && retained.push(topic));
    await late.subscribeAsync(`${base}/telemetry/#`, { qos: 1 });
    await waitFor(
      () => retained.includes(`${base}/telemetry/health`) && retained.includes(`${base}/telemetry/sync`),
      'retained telemetry',
      5000,
      20,
    );
    expect(retained).not.toContain(`${base}/telemetry/crowd`);
    await late.endAsync();
  }, 40_000);

  it('starts and stops an event by signed command; the crowd state then carries it', async () => {
    const later = Date.now() + 3600_000;
    const created = await fetch(`${http}/api/v1/events`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Remote night',
        starts_at: new Date(later).toISOString(),
        ends_at: new Date(later + 3600_000).toISOString(),
      }),
    });
    expect(created.status).toBe(201);
    const eventId = ((await created.json()) as { id: number }).id;
    const started = await send('event.start', cmd('event.start', { event_id: eventId }));
    expect(started).toMatchObject({ ok: true, result: { event_id: eventId, name: 'Remote night' } });
    expect(Math.abs(Date.parse((started.result as { starts_at: string }).starts_at) - Date.now())).toBeLessThan(5000);
    const event = (await (await fetch(`${http}/api/v1/events/${eventId}`, { headers: auth })).json()) as {
      starts_at: string;
      ends_at: string;
    };
    expect(Date.parse(event.starts_at)).toBeLessThanOrEqual(Date.now());
    // the box's current event follows at once: the next crowd states carry it
    const watcher = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: `crowd-${randomUUID()}` });
    const ids: (number | null)[] = [];
    watcher.on('message', (_t, payload) =>
      ids.push((JSON.parse(payload.toString()) as { event_id: number | null }).event_id),
    );
    await watcher.subscribeAsync(`${base}/telemetry/crowd`, { qos: 0 });
    await waitFor(() => ids.includes(eventId), 'a crowd state of the started event', 5000, 20);
    await watcher.endAsync();
    const stopped = await send('event.stop', cmd('event.stop', { event_id: eventId }));
    expect(stopped.ok).toBe(true);
    expect(Date.parse((stopped.result as { ends_at: string }).ends_at)).toBeLessThanOrEqual(Date.now());
    expect((await send('event.stop', cmd('event.stop', { event_id: 99_999 }))).error).toMatchObject({
      code: 'failed',
      message: expect.stringContaining('no event with id 99999') as string,
    });
    expect((await send('event.start', cmd('event.start', { event_id: 'x' }))).error?.code).toBe('invalid');
  }, 30_000);

  it('survives random payloads and random signed commands (fuzz), refusing each', async () => {
    const before = received.length;
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
          fc.json().map((j) => Buffer.from(j)),
          fc
            .record({ id: fc.string(), command: fc.string(), args: fc.jsonValue(), issued_at: fc.string() })
            .map((o) => Buffer.from(JSON.stringify(o))),
        ),
        fc.boolean(),
        async (payload, signed) => {
          sent++;
          await client.publishAsync(`${base}/cmd/preset.switch`, payload, {
            qos: 1,
            properties: signed ? { userProperties: { signature: sign(SECRET, payload) } } : {},
          });
        },
      ),
      { numRuns: 150 },
    );
    await waitFor(
      () => received.slice(before).filter((m) => m.topic === `${base}/ack`).length >= sent,
      `${sent} acks`,
      10_000,
      50,
    );
    const acks = received
      .slice(before)
      .filter((m) => m.topic === `${base}/ack`)
      .map((m) => JSON.parse(m.payload) as AckBody);
    expect(acks.every((a) => !a.ok)).toBe(true);
    expect((await fetch(`${http}/health`)).status).toBe(200);
  });

  it('leaves a retained "offline" through its last will when killed', async () => {
    daemon!.child.kill('SIGKILL');
    await daemon!.exited;
    daemon = undefined;
    // The broker notices the dropped connection at once (socket closed) and publishes the will.
    await waitFor(
      () =>
        received
          .filter((m) => m.topic === `${base}/status`)
          .map((m) => JSON.parse(m.payload) as { state: string })
          .at(-1)?.state === 'offline',
      'offline presence',
      10_000,
      20,
    );
  });
});

describe('a broker that is down when the box starts', () => {
  it('keeps the box running with mqtt retrying, and connects when the broker comes up', async () => {
    const later = await mosquitto();
    await boot(later.url);
    await waitFor(
      async () => ['retrying', 'error'].includes((await mqttHealth())?.state ?? ''),
      'mqtt retrying',
      5000,
      50,
    );
    expect((await mqttHealth())?.detail).toMatch(new RegExp(`127\\.0\\.0\\.1:${later.port}`));
    expect((await fetch(`${http}/health`)).status).toBe(200);
    await later.start();
    await waitFor(async () => (await mqttHealth())?.state === 'connected', 'mqtt connected', 10_000, 50);
    daemon!.child.kill('SIGTERM');
    expect((await daemon!.exited).code).toBe(0);
    daemon = undefined;
    await later.stop();
  });
});
