/** The Firmata 2.x bytes the simulated board needs to speak (firmata.org protocol). */
export const FIRMATA = {
  analogMessage: 0xe0,
  digitalMessage: 0x90,
  reportAnalog: 0xc0,
  reportDigital: 0xd0,
  setPinMode: 0xf4,
  reportVersion: 0xf9,
  systemReset: 0xff,
  startSysex: 0xf0,
  endSysex: 0xf7,
  queryFirmware: 0x79,
  capabilityQuery: 0x6b,
  capabilityResponse: 0x6c,
  analogMappingQuery: 0x69,
  analogMappingResponse: 0x6a,
  extendedAnalog: 0x6f,
} as const;

export const PIN_MODES = { input: 0, output: 1, analog: 2, pwm: 3 } as const;
