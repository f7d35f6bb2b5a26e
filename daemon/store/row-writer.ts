/**
 * One write batch as rows: each sample, model output or room event becomes its row, and each
 * row that must reach the cloud its outbox entry, inside one transaction (the caller's batch),
 * so a row is never stored without being queued for sync, nor queued without being stored.
 *
 * Consent is checked here again, before anything is stored or queued for sync (the consent
 * gate in front of the bus already keeps a non-consenting wearer's biometrics from every
 * consumer): biometrics (HR, EDA, temperature, ECG and PPG chunks, arousal) from a device worn
 * by a dancer who has not consented are withheld and counted; from a consenting wearer they
 * are stored with the dancer and event of the device's assignment. A consenting wearer's
 * biometrics get an outbox entry only if they also consented to cloud sync: without it they
 * stay on the box (`localOnly`), and nothing the sync client could ever read names them.
 */
import type BetterSqlite3 from 'better-sqlite3';
import {
  ROW_SIGNALS,
  SCALAR_SIGNALS,
  streamConsent,
  valueOf,
  type BiometricColumn,
  type ScalarSample,
  type ScalarSignalSpec,
} from '../../config/signals.js';
import type { Chunk } from './chunker.js';
import type { DeviceDirectory } from './devices.js';
import type { CrowdRow, DetectionRow, InferenceRow, OutputEventRow } from '../bus-events.js';

export type WriteOp =
  | { t: 'scalar'; sample: ScalarSample }
  | { t: 'chunk'; chunk: Chunk }
  | { t: 'inference'; row: InferenceRow }
  | { t: 'crowd'; row: CrowdRow }
  | { t: 'detection'; row: DetectionRow }
  | { t: 'output'; row: OutputEventRow };

/** The value columns of `biometric_data` the registry's row signals use. */
const VALUE_COLUMNS: readonly BiometricColumn[] = [...new Set(ROW_SIGNALS.map((r) => r.column))];
const isBiometricStream = (stream: string) => streamConsent(stream) === 'biometrics';

export class RowWriter {
  /** Biometric samples not stored for want of consent, and rows kept off the outbox for want of cloud consent. */
  readonly counts = { withheldNoConsent: 0, localOnly: 0 };
  /** One statement per value column, so a row binds only its own value (positional: the fastest binding). */
  private readonly insertBio: ReadonlyMap<BiometricColumn, BetterSqlite3.Statement>;
  private readonly insertChunk: BetterSqlite3.Statement;
  private readonly updateBattery: BetterSqlite3.Statement;
  private readonly insertOutbox: BetterSqlite3.Statement;
  private readonly insertInference: BetterSqlite3.Statement;
  private readonly insertCrowd: BetterSqlite3.Statement;
  private readonly insertDetection: BetterSqlite3.Statement;
  private readonly insertSound: BetterSqlite3.Statement;
  private readonly insertVisual: BetterSqlite3.Statement;
  /** Writes the ops in one transaction and returns how many; throws (rolled back) if the disk refuses. */
  readonly writeBatch: (ops: WriteOp[]) => number;

  constructor(
    sqlite: BetterSqlite3.Database,
    private readonly devices: DeviceDirectory,
    private readonly now: () => number,
  ) {
    this.insertBio = new Map(
      VALUE_COLUMNS.map((column) => [
        column,
        sqlite.prepare(
          `INSERT INTO biometric_data (device_id, user_id, event_id, recorded_at, stream_index, rr_1024, sensor_contact, energy_kj, source, ${column})
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ),
      ]),
    );
    this.insertChunk = sqlite.prepare(
      `INSERT INTO stream_chunks (device_id, event_id, stream, started_at, first_index, rate_hz, channels, sample_count, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.updateBattery = sqlite.prepare('UPDATE devices SET battery_pct = ?, last_seen_at = ? WHERE id = ?');
    this.insertOutbox = sqlite.prepare(
      `INSERT INTO outbox (entity, entity_id, op, created_at) VALUES (?, ?, 'upsert', ?)`,
    );
    this.insertInference = sqlite.prepare(
      'INSERT INTO inferences (device_id, user_id, event_id, at, model, value, inputs) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertCrowd = sqlite.prepare(
      `INSERT INTO crowd_states (event_id, at, bpm, active_dancers, energy, arousal_mean, arousal_p10, arousal_p50, arousal_p90, arousal_high_share, beat_synchrony, inter_synchrony, density)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertDetection = sqlite.prepare(
      'INSERT INTO detected_patterns (event_id, pattern_id, user_id, detected_at, confidence) VALUES (?, ?, ?, ?, ?)',
    );
    this.insertSound = sqlite.prepare(
      'INSERT INTO sound_events (event_id, occurred_at, sound_type, parameters, duration_ms, intensity) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insertVisual = sqlite.prepare(
      'INSERT INTO visualization_events (event_id, occurred_at, viz_type, parameters, duration_ms, intensity) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.writeBatch = sqlite.transaction((ops: WriteOp[]) => {
      const t = this.now();
      for (const op of ops) this.writeOne(op, t);
      return ops.length;
    });
  }

  private writeOne(op: WriteOp, t: number): void {
    if (op.t === 'inference' || op.t === 'crowd' || op.t === 'detection') {
      this.writeDerived(op, t);
      return;
    }
    if (op.t === 'output') {
      const o = op.row;
      const table = o.kind === 'sound' ? 'sound_events' : 'visualization_events';
      const r = (o.kind === 'sound' ? this.insertSound : this.insertVisual).run(
        o.eventId,
        Math.round(o.at),
        o.type,
        JSON.stringify(o.parameters),
        o.durationMs,
        o.intensity,
      );
      this.insertOutbox.run(table, r.lastInsertRowid, t);
      return;
    }
    if (op.t === 'chunk') {
      const c = op.chunk;
      const deviceId = this.devices.lookup(c.deviceKey).id;
      const wearer = this.devices.wearer(deviceId);
      if (wearer && !wearer.consent && isBiometricStream(c.stream)) {
        this.counts.withheldNoConsent += c.sampleCount;
        return;
      }
      const r = this.insertChunk.run(
        deviceId,
        wearer?.eventId ?? null,
        c.stream,
        Math.round(c.startedAt),
        c.firstIndex,
        c.rateHz,
        c.channels,
        c.sampleCount,
        c.data,
      );
      if (wearer && !wearer.cloud && isBiometricStream(c.stream)) this.counts.localOnly++;
      else this.insertOutbox.run('stream_chunks', r.lastInsertRowid, t);
      return;
    }
    const s = op.sample;
    const device = this.devices.lookup(s.deviceKey);
    const spec: ScalarSignalSpec = SCALAR_SIGNALS[s.kind];
    if (spec.store === 'device') {
      // Device status (the battery), not personal data: it updates the device's own row.
      this.updateBattery.run(valueOf(s), s.receivedAt, device.id);
      return;
    }
    if (spec.store === 'chunks') throw new Error(`${s.kind} is stored as chunks, not rows`);
    const wearer = this.devices.wearer(device.id);
    if (wearer && !wearer.consent) {
      this.counts.withheldNoConsent++;
      return;
    }
    // Positional binding: better-sqlite3 binds arrays faster than named-parameter objects.
    const hr = s.kind === 'heart_rate' ? s : undefined;
    const r = this.insertBio
      .get(spec.store.column)!
      .run(
        device.id,
        wearer?.userId ?? null,
        wearer?.eventId ?? null,
        s.receivedAt,
        s.index,
        hr && hr.rr1024.length > 0 ? JSON.stringify(hr.rr1024) : null,
        hr?.contact === undefined ? null : hr.contact ? 1 : 0,
        hr?.energyKj ?? null,
        device.simulated ? 'sim' : 'sensor',
        valueOf(s),
      );
    if (wearer && !wearer.cloud) this.counts.localOnly++;
    else this.insertOutbox.run('biometric_data', r.lastInsertRowid, t);
  }

  /** Model outputs: an inference is derived biometrics, so the wearer's consent applies to it too. */
  private writeDerived(op: Extract<WriteOp, { t: 'inference' | 'crowd' | 'detection' }>, t: number): void {
    if (op.t === 'crowd') {
      const c = op.row;
      const a = c.arousal;
      const r = this.insertCrowd.run(
        c.eventId,
        c.at,
        c.bpm,
        c.activeDancers,
        c.energy,
        a?.mean ?? null,
        a?.p10 ?? null,
        a?.p50 ?? null,
        a?.p90 ?? null,
        a?.highShare ?? null,
        c.beatSynchrony,
        c.interSynchrony,
        c.density,
      );
      this.insertOutbox.run('crowd_states', r.lastInsertRowid, t);
      return;
    }
    const device = this.devices.lookup(op.row.deviceKey);
    const wearer = this.devices.wearer(device.id);
    if (op.t === 'inference') {
      if (wearer && !wearer.consent) {
        this.counts.withheldNoConsent++;
        return;
      }
      const i = op.row;
      const r = this.insertInference.run(
        device.id,
        wearer?.userId ?? null,
        wearer?.eventId ?? null,
        i.at,
        i.model,
        i.value,
        JSON.stringify(i.inputs.map((v) => Math.round(v * 1000) / 1000)),
      );
      if (wearer && !wearer.cloud) this.counts.localOnly++;
      else this.insertOutbox.run('inferences', r.lastInsertRowid, t);
      return;
    }
    const d = op.row;
    const r = this.insertDetection.run(
      wearer?.eventId ?? null,
      d.patternId,
      wearer?.userId ?? null,
      d.at,
      Math.min(1, Math.max(0, d.confidence)),
    );
    this.insertOutbox.run('detected_patterns', r.lastInsertRowid, t);
  }
}
