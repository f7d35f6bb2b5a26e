/**
 * The pages' costs: building the console's state for a 200-band venue (what every open
 * console asks for once a second) against /devices/health over the same registry; the
 * bundles' sizes, raw and gzipped (what a phone downloads on the venue's Wi-Fi); and the
 * cloud's CSV export of a long session against reading the same rows straight from SQLite.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { apiHarness } from '../helpers/api-app.js';
import { ROOT } from '../helpers/daemon-process.js';
import { cloudFixture } from '../sync/cloud/cloud-fixture.js';
import { round, type Figure, type Median } from './figure.js';

const BANDS = 200;
const CALLS = 50;
const CROWD_ROWS = 50_000;

export async function pageFigures(median: Median): Promise<Record<string, Figure>> {
  const figures: Record<string, Figure> = {};

  const h = await apiHarness();
  const now = Date.now();
  const insert = h.sql.sqlite.prepare(
    `INSERT INTO devices (device_key, kind, transport, name, created_at, updated_at) VALUES (?, 'wearable', 'sim', ?, ?, ?)`,
  );
  h.sql.tx(() => {
    for (let i = 0; i < BANDS; i++) {
      const key = `sim-band-${String(i + 1).padStart(3, '0')}`;
      insert.run(key, `Band ${i + 1}`, now, now);
      h.health.report(key, { type: 'device', state: 'connected', lastSampleAt: now, batteryPercent: 80, rssi: -60 });
    }
  });
  const perCall = (path: string) => async () => {
    const started = performance.now();
    for (let i = 0; i < CALLS; i++) {
      const res = await h.call(path, { token: h.tokens.technician });
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    }
    return (performance.now() - started) / CALLS;
  };
  const state = await median(perCall('/api/v1/console/state'));
  const health = await median(perCall('/api/v1/devices/health'));
  figures['console.state_ms'] = {
    value: round(state, 2),
    unit: `ms per console state, ${BANDS} bands (HTTP, JSON)`,
    baseline: round(health, 2),
    ratio: round(state / health, 3),
  };
  figures['console.state_kb'] = {
    value: round(
      Buffer.byteLength((await h.call('/api/v1/console/state', { token: h.tokens.technician })).text) / 1024,
      1,
    ),
    unit: `KiB per state message, ${BANDS} bands`,
  };
  await h.stop();

  for (const page of ['console', 'dashboard']) {
    const js = readFileSync(join(ROOT, 'dist/web', `${page}.js`));
    const css = readFileSync(join(ROOT, 'dist/web', `${page}.css`));
    figures[`${page}.bundle_kb`] = {
      value: round((js.length + css.length) / 1024, 1),
      unit: 'KiB of script and stylesheet (minified)',
    };
    figures[`${page}.bundle_gzip_kb`] = {
      value: round((gzipSync(js).length + gzipSync(css).length) / 1024, 1),
      unit: 'KiB gzipped',
    };
  }

  const cloud = await cloudFixture('sqlite');
  const t = await cloud.tenant('bench');
  const t0 = Date.parse('2026-11-21T21:00:00Z');
  await cloud.call('POST', '/api/v1/ingest', t.boxToken, {
    box: t.boxUid,
    sent_at: t0,
    records: [
      {
        seq: 1,
        entity: 'events',
        id: 1,
        op: 'upsert',
        data: { id: 1, name: 'bench', starts_at: t0, ends_at: t0 + 86_400_000 },
      },
    ],
  });
  for (let b = 0; b < CROWD_ROWS / 10_000; b++) {
    const records = Array.from({ length: 10_000 }, (_, i) => {
      const id = b * 10_000 + i + 1;
      return {
        seq: id + 1,
        entity: 'crowd_states',
        id,
        op: 'upsert' as const,
        data: {
          id,
          event_id: 1,
          at: t0 + id * 1000,
          active_dancers: 24,
          energy: (id % 100) / 100,
          arousal_mean: 0.4,
          beat_synchrony: 0.8,
          inter_synchrony: 0.3,
          bpm: 126,
        },
      };
    });
    const r = await cloud.call('POST', '/api/v1/ingest', t.boxToken, { box: t.boxUid, sent_at: t0, records });
    if (r.status !== 200) throw new Error(`ingest: ${r.status}`);
  }
  const session = (await cloud.call('GET', `/api/v1/venues/${t.venueId}/sessions`, t.owner)).json.items![0]!
    .id as unknown as number;
  const csv = await median(async () => {
    const started = performance.now();
    const res = await cloud.app.request(`/api/v1/sessions/${session}/export.csv?stream=crowd`, {
      headers: { authorization: `Bearer ${t.owner}` },
    });
    const lines = (await res.text()).split('\r\n').length - 2;
    if (lines !== CROWD_ROWS) throw new Error(`csv had ${lines} rows`);
    return CROWD_ROWS / ((performance.now() - started) / 1000);
  });
  const raw = await median(async () => {
    const started = performance.now();
    const rows = await cloud.db.db
      .selectFrom('records')
      .select(['id', 'at', 'data'])
      .where('stream', '=', 'crowd')
      .orderBy('at')
      .orderBy('id')
      .execute();
    let n = 0;
    for (const r of rows) n += Object.keys(JSON.parse(r.data) as object).length;
    if (rows.length !== CROWD_ROWS || n === 0) throw new Error('raw read');
    return CROWD_ROWS / ((performance.now() - started) / 1000);
  });
  figures['cloud.csv_rows_per_s'] = {
    value: round(csv),
    unit: `CSV rows/s exporting a ${CROWD_ROWS}-state session (SQLite cloud)`,
    baseline: round(raw),
    ratio: round(csv / raw, 3),
  };
  await cloud.close();
  return figures;
}
