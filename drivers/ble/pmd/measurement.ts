/**
 * Polar Measurement Data (PMD) identifiers, from Polar's "Measurement data" specification
 * (shared/data/ble/polar_online_measurement_spec.pdf, tables 2-5).
 */
export const PMD_SERVICE = 'fb005c8002e7f3871cad8acd2d8df0c8';
export const PMD_CONTROL_POINT = 'fb005c8102e7f3871cad8acd2d8df0c8';
export const PMD_DATA = 'fb005c8202e7f3871cad8acd2d8df0c8';

export const PMD_TYPES = {
  ecg: 0,
  ppg: 1,
  acc: 2,
  ppi: 3,
  gyro: 5,
  mag: 6,
  sdkMode: 9,
  location: 10,
  pressure: 11,
  temperature: 12,
} as const;
export type PmdTypeName = keyof typeof PMD_TYPES;

export function pmdTypeName(code: number): PmdTypeName | undefined {
  return (Object.keys(PMD_TYPES) as PmdTypeName[]).find((k) => PMD_TYPES[k] === code);
}

/** Setting types of a start request / settings response, with the byte size of one value. */
export const PMD_SETTINGS = {
  sampleRate: { code: 0, size: 2 },
  resolution: { code: 1, size: 2 },
  range: { code: 2, size: 2 },
  channels: { code: 4, size: 1 },
  factor: { code: 5, size: 4 },
} as const;

export const PMD_ERRORS: Record<number, string> = {
  0: 'success',
  1: 'invalid op code',
  2: 'invalid measurement type',
  3: 'not supported',
  4: 'invalid length',
  5: 'invalid parameter',
  6: 'already in state',
  7: 'invalid resolution',
  8: 'invalid sample rate',
  9: 'invalid range',
  10: 'invalid MTU',
  11: 'invalid number of channels',
  12: 'invalid state',
  13: 'device in charger',
};
