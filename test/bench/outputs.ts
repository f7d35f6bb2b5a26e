/**
 * Output latency and steadiness, measured at a separate process on loopback: trigger latency
 * from sample arrival to the OSC datagram's receipt with 200 simulated dancers streaming
 * (50 Hz accelerometer blocks through the mapping rules), and the jitter of a steady 60 Hz
 * stream sent meanwhile. Both processes stamp with CLOCK_MONOTONIC.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { mappingRulesSchema } from '../../config/mapping.js';
import { MappingEngine } from '../../daemon/mapping/engine.js';
import { realTimebase } from '../../daemon/clock/music-clock.js';
import { HealthRegistry } from '../../drivers/health/registry.js';
import { OscTarget } from '../../drivers/osc/osc-target.js';
import { UdpTransport } from '../../drivers/osc/transport.js';
import { monoMs, pct } from './figure.js';

export interface OutputFigures {
  triggers: number;
  lost: number;
  p50: number;
  p99: number;
  max: number;
  streamIntervals: number;
  jitterStdMs: number;
  jitterP99Ms: number;
  jitterMaxMs: number;
  messagesPerS: number;
}

export async function outputLatency(dancers = 200, seconds = 10): Promise<OutputFigures> {
  const receiver = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'udp-receiver.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  receiver.stdout.on('data', (d: Buffer) => (out += d.toString()));
  while (!out.includes('\n')) await new Promise((r) => setTimeout(r, 10));
  const port = Number(out.split('\n')[0]);
  out = '';

  const health = new HealthRegistry();
  const target = (name: string, rateHz: number) => {
    const id = `osc:${name}`;
    return new OscTarget(
      {
        id,
        rateHz,
        maxMessagesPerS: 100_000,
        maxPacketBytes: 1400,
        timeTags: false,
        rules: [],
        prefix: '',
        floatRange: [0, 1],
        hold: false,
      },
      new UdpTransport({ id, host: '127.0.0.1', port, maxPacketBytes: 1400 }, health),
      health,
      realTimebase,
    );
  };
  const desk = target('desk', 30);
  const stream = target('stream', 60);
  const engine = new MappingEngine({
    osc: new Map([
      ['desk', desk],
      ['stream', stream],
    ]),
    haptics: new Map(),
    slotOf: (key) => Number(key.replace(/\D/g, '')) + 1,
    groups: {},
    record: () => undefined,
    currentEvent: () => null,
    nextBeatAfter: () => undefined,
    hapticLeadMs: 40,
    now: () => realTimebase.now(),
    setTimeout: (fn, ms) => realTimebase.setTimeout(fn, ms),
    latency: () => undefined,
  });
  engine.setRules(
    mappingRulesSchema.parse([
      {
        id: 'movement',
        source: { kind: 'dancer', signal: 'movement' },
        scale: { in: [0, 4], out: [0, 1], smoothingMs: 100 },
        target: { kind: 'osc', targets: ['desk'], address: '/codance/dancer/{slot}/movement' },
      },
      {
        id: 'hit',
        source: { kind: 'dancer', signal: 'movement' },
        scale: { in: [0, 4], out: [0, 1], threshold: { on: 0.5, off: 0.3 } },
        target: { kind: 'osc', targets: ['desk'], address: '/codance/dancer/{slot}/hit' },
      },
      {
        id: 'level',
        source: { kind: 'crowd', metric: 'energy' },
        target: { kind: 'osc', targets: ['stream'], address: '/codance/crowd/energy' },
      },
    ]),
  );
  desk.start();
  stream.start();

  const sentAt = new Map<string, number[]>();
  const keys = Array.from({ length: dancers }, (_, i) => `band-${String(i).padStart(3, '0')}`);
  const next = new Array<number>(dancers).fill(0);
  const SAMPLES = 5;
  let tick = 0;
  let seed = 7;
  const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  // Every 5 ms a tenth of... each dancer sends a 5-sample block every 100 ms (50 Hz), a few with a sharp hit.
  const perTick = Math.ceil(dancers / 20);
  const timer = setInterval(() => {
    for (let k = 0; k < perTick; k++) {
      const d = (tick * perTick + k) % dancers;
      const values = new Float32Array(SAMPLES * 3);
      const hit = rand() < 0.05;
      for (let s = 0; s < SAMPLES; s++) {
        values[s * 3 + 2] = 1 + (rand() - 0.5) * 0.3;
        if (hit && s === SAMPLES - 1) values[s * 3 + 2] = 4;
      }
      const fired = engine.stats.fired;
      const t0 = monoMs();
      engine.onSample(
        {
          kind: 'raw',
          deviceKey: keys[d]!,
          stream: 'acc',
          receivedAt: Date.now(),
          firstIndex: next[d]!,
          startedAt: Date.now(),
          rateHz: 50,
          channels: 3,
          values,
        },
        realTimebase.now(),
      );
      next[d]! += SAMPLES;
      if (engine.stats.fired > fired) {
        const address = `/codance/dancer/${d + 1}/hit`;
        const list = sentAt.get(address) ?? [];
        list.push(t0);
        sentAt.set(address, list);
      }
    }
    // The crowd level changes every 5 ms, so each 60 Hz tick of the stream has a new value.
    engine.onCrowd({
      at: Date.now(),
      eventId: null,
      bpm: 120,
      activeDancers: dancers,
      energy: (tick % 1000) / 1000,
      arousal: null,
      beatSynchrony: null,
      interSynchrony: null,
      density: null,
    });
    tick++;
  }, 5);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  clearInterval(timer);
  await new Promise((r) => setTimeout(r, 200));
  await desk.stop();
  await stream.stop();
  receiver.stdin.end();
  await new Promise((r) => receiver.once('exit', r));
  const arrivals = JSON.parse(out.trim().split('\n').pop() ?? '{}') as Record<string, number[]>;

  const latencies: number[] = [];
  let lost = 0;
  let triggers = 0;
  for (const [address, sent] of sentAt) {
    const got = arrivals[address] ?? [];
    triggers += sent.length;
    lost += Math.max(0, sent.length - got.length);
    for (let i = 0; i < Math.min(sent.length, got.length); i++) latencies.push(got[i]! - sent[i]!);
  }
  const level = arrivals['/codance/crowd/energy'] ?? [];
  // Skip the first second (JIT, socket warm-up) and the last 200 ms (the harness stopping the
  // feed: its last interval measured the stop, ~100 ms, not the stream).
  const steady = level.filter((t) => t - level[0]! > 1000 && level.at(-1)! - t > 200);
  const intervals = steady.slice(1).map((t, i) => t - steady[i]!);
  const dev = intervals.map((x) => x - 1000 / 60);
  const mean = dev.reduce((a, b) => a + b, 0) / Math.max(1, dev.length);
  const std = Math.sqrt(dev.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, dev.length));
  const abs = dev.map(Math.abs);
  const total = Object.values(arrivals).reduce((a, l) => a + l.length, 0);
  return {
    triggers,
    lost,
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    max: Math.max(...latencies),
    streamIntervals: intervals.length,
    jitterStdMs: std,
    jitterP99Ms: pct(abs, 99),
    jitterMaxMs: Math.max(...abs),
    messagesPerS: total / seconds,
  };
}
