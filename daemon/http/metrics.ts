/**
 * Prometheus metrics at /metrics (prom-client), read from the same health registry and store
 * figures as /health and the API, so every view of the box agrees. One registry per app: no
 * process-wide singleton.
 */
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { ComponentHealth } from '../../drivers/health/registry.js';
import type { StoreHealth } from '../store/store.js';

export interface MetricsSource {
  components(): ComponentHealth[];
  storeHealth(): StoreHealth | undefined;
  now(): number;
}

export function metricsRegistry(source: MetricsSource): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'codance_' });
  const labels = (c: ComponentHealth) => ({ id: c.id, type: c.type });
  new Gauge({
    name: 'codance_component_up',
    help: '1 when the device or subsystem is connected, else 0',
    labelNames: ['id', 'type'],
    registers: [registry],
    collect() {
      this.reset();
      for (const c of source.components()) this.set(labels(c), c.state === 'connected' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'codance_component_state',
    help: 'the state of each device and subsystem (1 for its current state)',
    labelNames: ['id', 'type', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const c of source.components()) this.set({ ...labels(c), state: c.state }, 1);
    },
  });
  new Gauge({
    name: 'codance_device_last_sample_age_seconds',
    help: 'seconds since the device last delivered a sample',
    labelNames: ['id'],
    registers: [registry],
    collect() {
      this.reset();
      const now = source.now();
      for (const c of source.components())
        if (c.lastSampleAt !== undefined) this.set({ id: c.id }, Math.max(0, (now - c.lastSampleAt) / 1000));
    },
  });
  new Gauge({
    name: 'codance_device_battery_percent',
    help: 'battery level reported by the device',
    labelNames: ['id'],
    registers: [registry],
    collect() {
      this.reset();
      for (const c of source.components()) if (c.batteryPercent !== undefined) this.set({ id: c.id }, c.batteryPercent);
    },
  });
  new Gauge({
    name: 'codance_device_rssi_dbm',
    help: 'received signal strength of a BLE device',
    labelNames: ['id'],
    registers: [registry],
    collect() {
      this.reset();
      for (const c of source.components()) if (c.rssi !== undefined) this.set({ id: c.id }, c.rssi);
    },
  });
  new Gauge({
    name: 'codance_component_errors',
    help: 'cumulative rejected payloads, drops and failures by reason since the daemon started',
    labelNames: ['id', 'reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const c of source.components())
        for (const [reason, n] of Object.entries(c.errors ?? {})) this.set({ id: c.id, reason }, n);
    },
  });
  const store = (name: string, help: string, pick: (s: StoreHealth) => number | null) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const s = source.storeHealth();
        const v = s ? pick(s) : null;
        if (v !== null) this.set(v);
      },
    });
  store('codance_store_rows_written', 'rows written since start', (s) => s.rowsWritten);
  store('codance_store_rows_queued', 'rows waiting for the next batch', (s) => s.queued);
  store(
    'codance_store_samples_lost',
    'samples never stored: shed by the disk guard or dropped while the disk refused writes',
    (s) => s.lostSamples,
  );
  store('codance_store_disk_free_bytes', "free space on the store's disk", (s) =>
    s.disk && s.disk.freeBytes >= 0 ? s.disk.freeBytes : null,
  );
  store(
    'codance_store_local_only',
    'biometric rows kept on the box only: the wearer has not consented to cloud sync',
    (s) => s.localOnly,
  );
  store(
    'codance_store_withheld_no_consent',
    'biometric samples not stored because the wearer has not consented',
    (s) => s.withheldNoConsent,
  );
  store('codance_store_failed_flushes', 'batches that failed to commit', (s) => s.failedFlushes);
  store('codance_store_last_flush_ms', 'duration of the last batch commit', (s) => s.lastFlushMs);
  store('codance_store_size_bytes', 'size of the database file', (s) => s.sizeBytes);
  return registry;
}
