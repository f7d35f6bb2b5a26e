/**
 * GATT UUIDs in the form noble reports them: lower-case hex without dashes; 16-bit SIG
 * numbers as 4 digits ("180d"). `normalizeUuid` accepts any of the usual spellings.
 */
export const HEART_RATE_SERVICE = '180d';
export const HEART_RATE_MEASUREMENT = '2a37';
export const BATTERY_SERVICE = '180f';
export const BATTERY_LEVEL = '2a19';

const SIG_BASE = /^0000([0-9a-f]{4})00001000800000805f9b34fb$/;

export function normalizeUuid(uuid: string): string {
  const u = uuid.toLowerCase().replace(/^0x/, '').replace(/-/g, '');
  return SIG_BASE.exec(u)?.[1] ?? u;
}
