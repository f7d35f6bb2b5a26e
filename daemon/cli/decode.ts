/** `codance decode hrm|pmd HEX`: what a technician runs on bytes copied from a sniffer or a log. */
import { parseHeartRateMeasurement } from '../../drivers/ble/heart-rate.js';
import { parsePmdFrame } from '../../drivers/ble/pmd/frame.js';
import { parseHex } from '../../config/parsed.js';

export interface DecodeResult {
  code: 0 | 2;
  stdout?: string;
  stderr?: string;
}

/** JSON with bigints written as exact integers (a PMD timestamp does not fit a double). */
export function exactJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `\u0000big${v.toString()}` : v)).replace(
    /"\\u0000big(-?\d+)"/g,
    '$1',
  );
}

export function decodeCommand(kind: string, hex: string, factorText?: string): DecodeResult {
  const usage = (msg: string): DecodeResult => ({ code: 2, stderr: `codance decode ${kind}: ${msg}` });
  const bytes = parseHex(hex);
  if (!bytes.ok) return usage(`HEX: ${bytes.reason}`);
  if (kind === 'hrm') {
    if (factorText !== undefined) return usage('--factor applies to pmd frames only');
    const r = parseHeartRateMeasurement(bytes.value);
    if (!r.ok) return usage(`invalid Heart Rate Measurement: ${r.reason}`);
    const m = r.value;
    return {
      code: 0,
      stdout: exactJson({
        hr: m.hr,
        contact: m.contact,
        contactSupported: m.contactSupported,
        energyKj: m.energyKj,
        rr1024: m.rr1024,
      }),
    };
  }
  if (kind === 'pmd') {
    let factor: number | undefined;
    if (factorText !== undefined) {
      factor = Number(factorText);
      if (!Number.isFinite(factor) || factor <= 0) return usage(`--factor: "${factorText}" is not a positive number`);
    }
    const r = parsePmdFrame(bytes.value, factor === undefined ? {} : { factor });
    if (!r.ok) return usage(`invalid PMD frame: ${r.reason}`);
    const f = r.value;
    return {
      code: 0,
      stdout: exactJson({
        type: f.type,
        timestampNs: f.timestampNs,
        frameType: f.frameType,
        compressed: f.compressed,
        unit: f.unit,
        samples: f.samples,
      }),
    };
  }
  return { code: 2, stderr: `codance decode: unknown payload kind "${kind}" (hrm or pmd)` };
}
