/** A MIDI out driver whose port keeps every message's bytes, on a given clock (bytes as they would go to ALSA). */
import { HealthRegistry } from '../../drivers/health/registry.js';
import { MidiOutDriver } from '../../drivers/midi/midi-out-driver.js';
import type { ManualTime } from './manual-time.js';

export function capturingMidi(time: ManualTime): { midi: MidiOutDriver; midiBytes: number[][] } {
  const midiBytes: number[][] = [];
  const midi = new MidiOutDriver(
    { port: 'test', retryMs: 1000 },
    new HealthRegistry(),
    () => Promise.resolve({ send: (b) => midiBytes.push(b), close: () => undefined }),
    time,
  );
  return { midi, midiBytes };
}
