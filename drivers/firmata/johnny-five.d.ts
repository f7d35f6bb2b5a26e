// The part of johnny-five's API the Firmata haptic driver uses (the package ships no types).
declare module 'johnny-five' {
  import type { EventEmitter } from 'node:events';
  interface BoardOptions {
    io: object;
    repl: false;
    sigint: false;
    debug: boolean;
    timeout?: number;
  }
  class Board extends EventEmitter {
    constructor(options: BoardOptions);
    isReady: boolean;
    /** johnny-five's connect timeout, cleared only by 'ready'. */
    timer: ReturnType<typeof setTimeout> | null;
    static readonly cache: Board[];
  }
  class Led {
    constructor(options: { pin: number; board: Board });
    brightness(value: number): this;
    off(): this;
  }
  const five: { Board: typeof Board; Led: typeof Led };
  export default five;
}
