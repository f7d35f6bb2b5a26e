// firmata-io ships no types; the driver only needs the constructor and the event emitter.
declare module 'firmata-io' {
  import type { EventEmitter } from 'node:events';
  interface FirmataOptions {
    reportVersionTimeout?: number;
    skipCapabilities?: boolean;
  }
  class Firmata extends EventEmitter {
    constructor(transport: object, options?: FirmataOptions);
    isReady: boolean;
    firmware: { name?: string; version?: { major: number; minor: number } };
    pins: { supportedModes: number[] }[];
    reportVersion(callback: () => void): void;
  }
  const bindTransport: { (transport: unknown): typeof Firmata; Firmata: typeof Firmata };
  export default bindTransport;
}
