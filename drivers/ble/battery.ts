/** Battery Level (characteristic 0x2A19 of the Battery service 0x180F): one uint8, 0..100 %. */
import { fail, ok, type Parsed } from '../../config/parsed.js';

export function parseBatteryLevel(bytes: Uint8Array): Parsed<number> {
  if (bytes.length !== 1) return fail(`battery level must be 1 byte, got ${bytes.length}`);
  const pct = bytes[0]!;
  if (pct > 100) return fail(`battery level ${pct} % is above 100`);
  return ok(pct);
}
