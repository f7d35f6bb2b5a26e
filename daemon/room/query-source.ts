/**
 * What OSCQuery publishes about the room, gathered from its parts: the rules, what they last
 * sent, the haptic controllers, the dancer slots (held now, patched to lights, or named by
 * rules), the learned patterns, the cues live choreography sends, and the presets.
 */
import type { Config } from '../../config/index.js';
import { holds, loadMoveLibrary } from '../../config/moves.js';
import { slotSet } from '../../config/slots.js';
import type { OscQuerySource } from '../osc/oscquery.js';
import { patternNames } from '../store/repositories/patterns.js';
import type { Store } from '../store/store.js';
import type { Room } from './room.js';

/** A {slot} template is listed for at most this many slots. */
const MAX_LISTED_SLOTS = 512;

export function querySource(config: Config, room: Room, store: Store): OscQuerySource {
  const cues = cueNames(config.clock.beatsPerPhrase);
  return {
    name: config.box.name,
    oscPort: () => room.oscIn?.port,
    rules: () => room.engine.activeRules,
    sent: () => room.engine.sent.addresses(),
    controllers: () => [...config.haptics.controllers.map((c) => c.name)],
    slots: () => {
      const slots = new Set(store.slots.list().slots.map((s) => s.slot));
      for (const f of config.dmx.fixtures) for (const s of room.patch.slots(f.name)) slots.add(s);
      for (const r of room.engine.activeRules)
        if (r.source.kind === 'dancer' || r.source.kind === 'pattern')
          for (const s of slotSet(r.source.dancers, config.mapping.groups).list() ?? []) slots.add(s);
      for (let s = 1; s <= config.simulation.dancers; s++) slots.add(s);
      return [...slots].sort((a, b) => a - b).slice(0, MAX_LISTED_SLOTS);
    },
    names: (kind) => (kind === 'cue' ? cues : patternNames(store.sqlite)),
    presets: (kind) =>
      room.mapping
        .presets()
        .filter((p) => p.kind === kind && p.problem === null)
        .map((p) => p.name),
    clock: { beatsPerBar: config.clock.beatsPerBar, beatsPerPhrase: config.clock.beatsPerPhrase },
  };
}

/** Every cue live choreography playback can send (daemon/choreography/live-player.ts). */
function cueNames(beatsPerPhrase: number): string[] {
  let moves: string[] = [];
  try {
    moves = loadMoveLibrary().map((m) => `choreo.move.${m.id}`);
  } catch {
    // A broken move library is reported by the choreography service; OSCQuery lists the rest.
  }
  return [
    'choreo.move',
    'choreo.end',
    ...Array.from({ length: beatsPerPhrase }, (_, i) => `choreo.count.${i + 1}`),
    ...moves,
    ...holds.map((h) => `choreo.hold.${h}`),
  ];
}
