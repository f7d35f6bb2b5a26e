/**
 * A blueprint played live: it waits for the clock's next 8-count "1", then puts the cues of
 * each move and count on the bus, timed for their beats, and ends after the last count.
 */
import { describe, expect, it } from 'vitest';
import { Bus } from '../../../daemon/bus.js';
import { LivePlayer } from '../../../daemon/choreography/live-player.js';
import type { BeatEvent } from '../../../daemon/clock/music-clock.js';
import { tinyBlueprint } from '../../helpers/api-makers.js';

const routine = {
  totalCounts: 16,
  steps: [
    {
      ...tinyBlueprint.steps[0]!,
      moveId: 'closed-to-open',
      name: 'Closed to open',
      counts: 4,
      startCount: 0,
      from: 'closed' as const,
      to: 'open' as const,
    },
    {
      ...tinyBlueprint.steps[0]!,
      moveId: 'right-turn-follower',
      name: 'Follower right turn',
      counts: 8,
      startCount: 4,
      from: 'open' as const,
      to: 'open' as const,
    },
    {
      ...tinyBlueprint.steps[0]!,
      moveId: 'open-to-closed',
      name: 'Open to closed',
      counts: 4,
      startCount: 12,
      from: 'open' as const,
      to: 'closed' as const,
    },
  ],
};

function beat(index: number): BeatEvent {
  const count = (index % 8) + 1;
  return {
    index,
    count,
    beatInBar: (index % 4) + 1,
    bar: Math.floor((index % 8) / 4) + 1,
    phrase: Math.floor(index / 8) + 1,
    barStart: index % 4 === 0,
    phraseStart: count === 1,
    at: 1000 + index * 500,
    bpm: 120,
    source: 'fallback',
  };
}

describe('live choreography', () => {
  it('starts on the next 1, cues each move and count on its beat, and ends after the last count', () => {
    const bus = new Bus(() => undefined);
    const cues: { name: string; at?: number }[] = [];
    bus.on('cue', (c) => cues.push(c));
    const player = new LivePlayer(bus);
    for (let i = 0; i < 3; i++) bus.emit('beat', beat(i)); // before play: nothing
    expect(player.play('Friday', routine).state).toBe('waiting');
    for (let i = 3; i < 8; i++) bus.emit('beat', beat(i)); // counts 4..8: still waiting for a 1
    expect(cues).toEqual([]);
    for (let i = 8; i < 8 + 16; i++) bus.emit('beat', beat(i));
    const status = player.status();
    expect(status).toMatchObject({
      state: 'playing',
      count: 16,
      move: { id: 'open-to-closed', count: 4 },
      startedAt: beat(8).at,
    });
    bus.emit('beat', beat(24));
    expect(player.status().state).toBe('finished');
    const moves = cues.filter((c) => c.name.startsWith('choreo.move.'));
    expect(moves).toEqual([
      { name: 'choreo.move.closed-to-open', at: beat(8).at },
      { name: 'choreo.move.right-turn-follower', at: beat(12).at },
      { name: 'choreo.move.open-to-closed', at: beat(20).at },
    ]);
    expect(cues.filter((c) => c.name.startsWith('choreo.count.')).map((c) => Number(c.name.split('.')[2]))).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    expect(cues.filter((c) => c.name.startsWith('choreo.hold.')).map((c) => c.name)).toEqual([
      'choreo.hold.open',
      'choreo.hold.closed',
    ]);
    expect(cues[cues.length - 1]).toEqual({ name: 'choreo.end', at: beat(24).at });
    const n = cues.length;
    bus.emit('beat', beat(25));
    expect(cues.length).toBe(n); // unsubscribed once finished
  });

  it('stops at once, and a new routine replaces the old', () => {
    const bus = new Bus(() => undefined);
    const cues: string[] = [];
    bus.on('cue', (c) => cues.push(c.name));
    const player = new LivePlayer(bus);
    player.play('one', routine);
    bus.emit('beat', beat(0));
    bus.emit('beat', beat(1));
    expect(player.stop()).toMatchObject({ state: 'idle', count: 2 });
    bus.emit('beat', beat(2));
    expect(cues.filter((c) => c.startsWith('choreo.count.'))).toHaveLength(2);
    player.play('two', routine);
    expect(player.status()).toMatchObject({ state: 'waiting', name: 'two', count: 0 });
  });
});
