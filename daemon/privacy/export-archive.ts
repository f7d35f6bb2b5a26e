/**
 * A dancer's data as one ZIP archive (art. 15 and 20 GDPR): their account, consents with their
 * history, registrations, bands, song selections, collections, choreography tasks, readings,
 * raw streams, model outputs, detections and who read their biometrics. Streamed: each file is
 * read page by page as the archive is written, so memory stays flat whatever the size.
 */
import { Readable } from 'node:stream';
import yazl from 'yazl';
import { rawStreams } from '../../config/signals.js';
import { listAccess } from '../store/repositories/access-log.js';
import { consentHistory } from '../store/repositories/consent-history.js';
import { accountOf, deviceKeys, patternNames, wornIntervals } from '../store/repositories/dancer-data.js';
import type { Sql } from '../store/sql.js';
import { csvRecords, jsonRecords, rawSamples, timeCells, type Lines } from './export-files.js';
import { exportReadme } from './export-readme.js';

type Row = Record<string, unknown>;

export interface ExportInfo {
  box: { id: string; name: string };
  userId: number;
}

const READING_HEAD = ['id', 'time', 'time_ms', 'device', 'event_id'];
const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;
const parsed = (v: unknown): unknown => {
  try {
    return typeof v === 'string' ? JSON.parse(v) : v;
  } catch {
    return v;
  }
};

/**
 * The archive as a byte stream, or undefined when there is no such dancer. `manifest.json`
 * (written last) counts every file's rows, so a reader can check the archive is whole.
 */
export function dancerArchive(sql: Sql, info: ExportInfo): Readable | undefined {
  const account = accountOf(sql, info.userId);
  if (!account) return undefined;
  const now = sql.now();
  const zip = new yazl.ZipFile();
  const counts: Record<string, number> = {};
  const counter = (file: string) => (n: number) => (counts[file] = (counts[file] ?? 0) + n);
  const text = (name: string, body: string): void => zip.addBuffer(Buffer.from(body), name, { mtime: new Date(now) });
  const lines = (name: string, gen: () => Lines): void =>
    zip.addReadStream(Readable.from(gen(), { objectMode: false, highWaterMark: 64 * 1024 }), name, {
      mtime: new Date(now),
    });

  const devices = deviceKeys(sql);
  const patterns = patternNames(sql);
  const device = (r: Row) => devices.get(r.device_id as number) ?? null;
  /** The first columns of every readings CSV: which row, when, from which band, at which event. */
  const readingCells = (r: Row, time: string): unknown[] => [r.id, ...timeCells(r[time]), device(r), r.event_id];
  text('README.md', exportReadme(info.box.name, now));
  text('account.json', json({ ...account, box: info.box }));
  const history = consentHistory(sql, info.userId);
  counts['consents.json'] = history.length;
  text('consents.json', json(history.map((h) => ({ ...h, granted: h.granted === 1 }))));
  for (const table of ['registrations', 'song_selections', 'collections', 'choreo_tasks'] as const)
    lines(`${table}.json`, () => jsonRecords(sql, table, info.userId, counter(`${table}.json`), parsedJson));
  lines('device_assignments.json', () =>
    jsonRecords(sql, 'device_assignments', info.userId, counter('device_assignments.json'), (r) => ({
      ...r,
      device: device(r),
    })),
  );
  lines('biometrics.csv', () =>
    csvRecords(
      sql,
      'biometric_data',
      info.userId,
      [
        ...READING_HEAD,
        'heart_rate_bpm',
        'rr_ms',
        'sensor_contact',
        'energy_kj',
        'eda_us',
        'skin_temp_c',
        'energy_level',
        'emotional_state',
        'source',
      ],
      (r) => [
        ...readingCells(r, 'recorded_at'),
        r.heart_rate,
        rrMs(r.rr_1024),
        r.sensor_contact,
        r.energy_kj,
        r.gsr_us,
        r.skin_temp_c,
        r.energy_level,
        r.emotional_state,
        r.source,
      ],
      counter('biometrics.csv'),
    ),
  );
  lines('movement.csv', () =>
    csvRecords(
      sql,
      'movement_data',
      info.userId,
      [...READING_HEAD, 'data_type', 'coordinates', 'velocity', 'acceleration', 'crowd_density', 'intensity', 'source'],
      (r) => [
        ...readingCells(r, 'recorded_at'),
        r.data_type,
        r.coordinates,
        r.velocity,
        r.acceleration,
        r.crowd_density,
        r.intensity,
        r.source,
      ],
      counter('movement.csv'),
    ),
  );
  lines('inferences.csv', () =>
    csvRecords(
      sql,
      'inferences',
      info.userId,
      [...READING_HEAD, 'model', 'value', 'inputs'],
      (r) => [...readingCells(r, 'at'), r.model, r.value, r.inputs],
      counter('inferences.csv'),
    ),
  );
  lines('detections.csv', () =>
    csvRecords(
      sql,
      'detected_patterns',
      info.userId,
      ['id', 'time', 'time_ms', 'event_id', 'pattern', 'confidence'],
      (r) => [
        r.id,
        ...timeCells(r.detected_at),
        r.event_id,
        patterns.get(r.pattern_id as number) ?? r.pattern_id,
        r.confidence,
      ],
      counter('detections.csv'),
    ),
  );
  const worn = wornIntervals(sql, info.userId, now);
  const rawChunks: Record<string, number> = {};
  for (const stream of rawStreams)
    lines(`raw/${stream}.csv`, () =>
      rawSamples(sql, stream, worn, (chunks, samples) => {
        rawChunks[stream] = (rawChunks[stream] ?? 0) + chunks;
        counter(`raw/${stream}.csv`)(samples);
      }),
    );
  const reads = listAccess(sql, { subjectId: info.userId, limit: 100_000 }).reverse();
  counts['access_log.json'] = reads.length;
  text(
    'access_log.json',
    json(reads.map((r) => ({ ...r, time: new Date(r.at).toISOString(), detail: parsed(r.detail) }))),
  );
  // Read when the archive reaches it: every file before it is complete by then.
  lines('manifest.json', async function* () {
    await Promise.resolve();
    yield json({
      exported_at: new Date(now).toISOString(),
      box: info.box,
      user_id: info.userId,
      pseudonym: account.pseudonym,
      rows: counts,
      raw_chunks: rawChunks,
      worn: worn.map((w) => ({
        device: w.deviceKey,
        from: new Date(w.from).toISOString(),
        to: new Date(w.to).toISOString(),
      })),
    });
  });
  zip.end();
  return zip.outputStream as Readable;
}

const parsedJson = (r: Row): Row => {
  const out: Row = {};
  for (const [k, v] of Object.entries(r)) out[k] = typeof v === 'string' && /^[[{]/.test(v) ? parsed(v) : v;
  return out;
};

/** RR intervals in ms (the store keeps 1/1024 s), `;`-separated. */
function rrMs(v: unknown): string | null {
  const list = parsed(v);
  return Array.isArray(list) ? list.map((x) => Math.round(((x as number) * 1000) / 1024)).join(';') : null;
}
