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
  const raw = input as unknown as { _input: { on(event: 'message', fn: (delta: number, bytes: number[]) => void): void } };
  return {
    onMessage: (fn) => raw._input.on('message', (_delta, bytes) => fn(bytes)),
    close: () => input.close(),
  };
};
