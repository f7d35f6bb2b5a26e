// The part of easymidi the MIDI drivers use (the package ships no types).
declare module 'easymidi' {
  import type { EventEmitter } from 'node:events';
  class Input extends EventEmitter {
    constructor(name: string, virtual?: boolean);
    close(): void;
  }
  class Output {
    constructor(name: string, virtual?: boolean);
    close(): void;
  }
  const easymidi: { Input: typeof Input; Output: typeof Output; getInputs(): string[]; getOutputs(): string[] };
  export default easymidi;
}
