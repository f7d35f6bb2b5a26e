/**
 * PMD control point (spec §1-3): requests written to the control point characteristic and
 * the responses the device indicates back.
 *
 *   request:  [op: 1 get settings | 2 start | 3 stop][measurement type][settings...]
 *   settings: [setting type][count][count × value (size by type, LE)]...
 *   response: [0xF0][op][measurement type][error code][more u8][parameters (settings)...]
 */
import { fail, ok, type Parsed } from '../../../config/parsed.js';
import { PMD_ERRORS, PMD_SETTINGS, PMD_TYPES, type PmdTypeName } from './measurement.js';

export interface PmdSettings {
  sampleRate?: number;
  resolution?: number;
  range?: number;
  channels?: number;
  factor?: number;
}

type SettingName = keyof typeof PMD_SETTINGS;
const SETTING_BY_CODE = new Map<number, SettingName>(
  (Object.keys(PMD_SETTINGS) as SettingName[]).map((k) => [PMD_SETTINGS[k].code, k]),
);

function writeSetting(out: number[], name: SettingName, value: number): void {
  const { code, size } = PMD_SETTINGS[name];
  out.push(code, 1);
  if (name === 'factor') {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    out.push(...b);
    return;
  }
  for (let i = 0; i < size; i++) out.push((value >> (8 * i)) & 0xff);
}

/** Online (streaming) start; PPI and HR take no settings. */
export function encodeStart(type: PmdTypeName, settings: PmdSettings = {}): Uint8Array {
  const out = [2, PMD_TYPES[type]];
  for (const name of ['sampleRate', 'resolution', 'range', 'channels'] as const) {
    const v = settings[name];
    if (v !== undefined) writeSetting(out, name, v);
  }
  return Uint8Array.from(out);
}

export function encodeStop(type: PmdTypeName): Uint8Array {
  return Uint8Array.from([3, PMD_TYPES[type]]);
}

/** Each setting's offered values (several in a get-settings response, one in a start response). */
export function parseSettings(bytes: Uint8Array): Parsed<Partial<Record<SettingName, number[]>>> {
  const out: Partial<Record<SettingName, number[]>> = {};
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 0;
  while (o < bytes.length) {
    if (o + 2 > bytes.length) return fail(`truncated: setting header at byte ${o} is cut off`);
    const code = bytes[o]!;
    const count = bytes[o + 1]!;
    const name = SETTING_BY_CODE.get(code);
    if (!name) return fail(`unknown setting type ${code} at byte ${o}`);
    const size = PMD_SETTINGS[name].size;
    o += 2;
    if (o + count * size > bytes.length)
      return fail(`truncated: setting ${name} announces ${count} value(s) of ${size} bytes`);
    const values: number[] = [];
    for (let i = 0; i < count; i++, o += size) {
      values.push(name === 'factor' ? view.getFloat32(o, true) : size === 1 ? bytes[o]! : view.getUint16(o, true));
    }
    out[name] = values;
  }
  return ok(out);
}

export interface ControlPointResponse {
  op: number;
  measurementType: number;
  errorCode: number;
  error: string;
  more: boolean;
  parameters: Uint8Array;
}

export function parseControlPointResponse(bytes: Uint8Array): Parsed<ControlPointResponse> {
  if (bytes.length < 4) return fail(`too short: ${bytes.length} byte(s), a control point response has at least 4`);
  if (bytes[0] !== 0xf0)
    return fail(`not a control point response (first byte 0x${bytes[0]!.toString(16)}, expected 0xf0)`);
  const errorCode = bytes[3]!;
  return ok({
    op: bytes[1]!,
    measurementType: bytes[2]!,
    errorCode,
    error: PMD_ERRORS[errorCode] ?? `unknown error ${errorCode}`,
    more: bytes.length > 4 && bytes[4] !== 0,
    parameters: bytes.length > 5 ? bytes.subarray(5) : new Uint8Array(0),
  });
}
