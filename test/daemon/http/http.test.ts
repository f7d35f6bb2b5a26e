import { describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from '../../../daemon/http/app.js';
import { apiInfoSchema, errorSchema, healthSchema } from '../../../daemon/http/contracts.js';
import type { StoreHealth } from '../../../daemon/store/store.js';

const okStore: StoreHealth = {
  path: '/x.db',
  boxId: 'b',
  journalMode: 'wal',
  sizeBytes: 1,
  queued: 0,
  rowsWritten: 10,
  batches: 1,
  lastFlushAt: 1000,
  lastFlushMs: 1,
  failedFlushes: 0,
  lostSamples: 0,
  lostByStream: {},
  failing: false,
  withheldNoConsent: 0,
  localOnly: 0,
  lastError: null,
  openChunks: 0,
  migration: 'm',
  disk: undefined,
};

function deps(over: Partial<AppDeps> = {}): AppDeps {
  const logged: object[] = [];
  return {
    version: '1.2.3',
    boxName: 'test-box',
    boxId: () => 'box-1',
    startedAt: 0,
    now: () => 12_345,
    storeHealth: () => okStore,
    components: () => [{ id: 'sim-band-001', type: 'device', state: 'connected', updatedAt: 1 }],
    log: { error: (o) => logged.push(o) },
    ...over,
  };
}

describe('root routes', () => {
  it('GET /metrics exposes device health and store figures in Prometheus text format', async () => {
    const components = () => [
      {
        id: 'a0:9e:1a:00:8c:4e',
        type: 'device' as const,
        state: 'connected' as const,
        lastSampleAt: 10_345,
        batteryPercent: 77,
        rssi: -61,
        errors: { invalid_heart_rate: 3 },
        updatedAt: 1,
      },
      { id: 'haptic:floor', type: 'device' as const, state: 'retrying' as const, updatedAt: 1 },
    ];
    const res = await createApp(deps({ components })).app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('codance_component_up{id="a0:9e:1a:00:8c:4e",type="device"} 1');
    expect(text).toContain('codance_component_up{id="haptic:floor",type="device"} 0');
    expect(text).toContain('codance_component_state{id="haptic:floor",type="device",state="retrying"} 1');
    expect(text).toContain('codance_device_last_sample_age_seconds{id="a0:9e:1a:00:8c:4e"} 2');
    expect(text).toContain('codance_device_battery_percent{id="a0:9e:1a:00:8c:4e"} 77');
    expect(text).toContain('codance_device_rssi_dbm{id="a0:9e:1a:00:8c:4e"} -61');
    expect(text).toContain('codance_component_errors{id="a0:9e:1a:00:8c:4e",reason="invalid_heart_rate"} 3');
    expect(text).toContain('codance_store_rows_written 10');
    expect(text).toContain('codance_process_resident_memory_bytes');
  });

  it('GET / answers API info', async () => {
    const res = await createApp(deps()).app.request('/');
    expect(res.status).toBe(200);
    expect(apiInfoSchema.parse(await res.json())).toMatchObject({ name: 'codance', version: '1.2.3', box: 'test-box' });
  });

  it('GET /health answers 200 with status, version, uptime, store and driver health', async () => {
    const res = await createApp(deps()).app.request('/health');
    expect(res.status).toBe(200);
    const body = healthSchema.parse(await res.json());
    expect(body).toMatchObject({
      status: 'ok',
      version: '1.2.3',
      uptimeS: 12.3,
      box: { name: 'test-box', id: 'box-1' },
    });
    expect(body.drivers).toMatchObject({ total: 1, byState: { connected: 1 } });
  });

  it('reports degraded when a device is retrying, and 503 down when the store cannot write', async () => {
    const retrying = await createApp(
      deps({ components: () => [{ id: 'h10', type: 'device', state: 'retrying', updatedAt: 1 }] }),
    ).app.request('/health');
    expect(((await retrying.json()) as { status: string }).status).toBe('degraded');
    const down = await createApp(
      deps({
        storeHealth: () => ({
          ...okStore,
          failedFlushes: 3,
          failing: true,
          lastError: 'disk I/O error',
          lastFlushAt: 1000,
        }),
      }),
    ).app.request('/health');
    expect(down.status).toBe(503);
    expect(((await down.json()) as { status: string }).status).toBe('down');
  });

  it('answers unknown routes and route failures with the one error envelope, no stack trace', async () => {
    const app = createApp(deps()).app;
    const missing = await app.request('/nope');
    expect(missing.status).toBe(404);
    expect(errorSchema.parse(await missing.json()).error.code).toBe('not_found');
    const logged: object[] = [];
    const failing = createApp(
      deps({
        storeHealth: () => {
          throw new Error('secret internals');
        },
        log: { error: (o) => logged.push(o) },
      }),
    ).app;
    const res = await failing.request('/health');
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toMatch(/secret internals|at .*\.ts/);
    expect(errorSchema.parse(JSON.parse(text)).error.code).toBe('internal');
    // the log names the cause and the throwing frame, but holds no stack trace
    const line = JSON.stringify(logged);
    expect(line).toMatch(/"message":"secret internals","at":"Object.storeHealth .*http\.test\.ts/);
    expect(line.match(/\bat /g) ?? []).toHaveLength(0);
  });
});
