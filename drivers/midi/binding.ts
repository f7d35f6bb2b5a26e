/**
 * The MIDI input binding: raw messages from a named port. The real one is easymidi (over
 * RtMidi/ALSA), loaded lazily: on a box without ALSA, opening fails with a clear reason and
 * the driver reports MIDI unavailable instead of stopping the daemon.
 */
export interface MidiInputPort {
  onMessage(fn: (bytes: number[]) => void): void;
  close(): void;
}

export type OpenMidiInput = (portName: string) => Promise<MidiInputPort>;

/** Raw MIDI bytes out: what reaches the ALSA port, so tests check the wire bytes. */
export interface MidiOutputPort {
  send(bytes: number[]): void;
  close(): void;
}

export type OpenMidiOutput = (portName: string) => Promise<MidiOutputPort>;

export const openEasymidiOutput: OpenMidiOutput = async (portName) => {
  const easymidi = (await import('easymidi')).default;
  let output: InstanceType<typeof easymidi.Output>;
  try {
    output = new easymidi.Output(portName);
  } catch (err) {
    let ports: string[] = [];
    try {
      ports = easymidi.getOutputs();
    } catch {
      // no ALSA at all
    }
    throw new Error(`${(err as Error).message}${ports.length > 0 ? ` (available outputs: ${ports.join(', ')})` : ''}`);
  }
  const raw = output as unknown as { _output: { sendMessage(bytes: number[]): void } };
  return { send: (bytes) => raw._output.sendMessage(bytes), close: () => output.close() };
};

export const openEasymidiInput: OpenMidiInput = async (portName) => {
  const easymidi = (await import('easymidi')).default;
  let input: InstanceType<typeof easymidi.Input>;
  try {
    input = new easymidi.Input(portName);
  } catch (err) {
    const message = (err as Error).message;
    let ports: string[] = [];
    try {
      ports = easymidi.getInputs();
    } catch {
      // no ALSA at all: the message above already says so
    }
    throw new Error(`${message}${ports.length > 0 ? ` (available inputs: ${ports.join(', ')})` : ''}`);
  }
  // Clock and transport as the raw System Real-Time bytes the tracker reads.
  const raw = input as unknown as {
    _input: { on(event: 'message', fn: (delta: number, bytes: number[]) => void): void };
  };
  return {
    onMessage: (fn) => raw._input.on('message', (_delta, bytes) => fn(bytes)),
    close: () => input.close(),
  };
};
