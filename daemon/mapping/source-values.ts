/** The value a crowd-metric rule reads from a crowd state. */
import type { RuleSource } from '../../config/mapping.js';
import type { CrowdRow } from '../bus-events.js';

export function crowdMetric(c: CrowdRow, metric: Extract<RuleSource, { kind: 'crowd' }>['metric']): number | null {
  switch (metric) {
    case 'energy':
      return c.energy;
    case 'arousal_mean':
      return c.arousal?.mean ?? null;
    case 'arousal_high':
      return c.arousal?.highShare ?? null;
    case 'beat_synchrony':
      return c.beatSynchrony;
    case 'synchrony':
      return c.interSynchrony;
    case 'active_dancers':
      return c.activeDancers;
    case 'bpm':
      return c.bpm;
  }
}
