// The slip package (an independent SLIP decoder for the TCP receiver test) ships no types.
declare module 'slip' {
  class Decoder {
    constructor(options: { onMessage: (frame: Uint8Array) => void; maxMessageSize?: number });
    decode(bytes: Uint8Array): void;
  }
  const slip: { Decoder: typeof Decoder };
  export default slip;
}
