/**
 * The default rules: the address space every target receives unless the config replaces it
 * (its reference, daemon/osc/ADDRESS-SPACE.md, is generated from the OSCQuery tree over these).
 * Heart rate, movement and arousal are normalised per dancer; the hit threshold is calibrated
 * on real wrist data (`npm run calibrate:hits`).
 */
import type { MappingRuleInput } from './mapping.js';
import { mappedSpec } from './signals.js';

/** A wrist peak this far beyond gravity (g) is full movement: dancing wrists peak at 0.9..1.3 g (HMP and the simulator). */
const MOVEMENT_FULL_G = 1.2;
/** The default hit fires above this (g beyond gravity) and re-arms below HIT_OFF_G; calibrated by `npm run calibrate:hits`. */
const HIT_ON_G = 0.75;
const HIT_OFF_G = 0.4;
/** A hit's value is its strength: this many g beyond gravity is 1. */
const HIT_FULL_G = 1.6;

export const defaultRules: MappingRuleInput[] = [
  {
    id: 'crowd-energy',
    description: 'crowd energy 0..1, from each crowd state (1 Hz), sent at the steady rate',
    source: { kind: 'crowd', metric: 'energy' },
    target: { kind: 'osc', address: '/codance/crowd/energy' },
  },
  {
    id: 'crowd-arousal',
    description: 'mean arousal 0..1 of the dancers with a current inference',
    source: { kind: 'crowd', metric: 'arousal_mean' },
    target: { kind: 'osc', address: '/codance/crowd/arousal' },
  },
  {
    id: 'crowd-sync',
    description: 'beat synchrony of the floor, 0..1',
    source: { kind: 'crowd', metric: 'beat_synchrony' },
    target: { kind: 'osc', address: '/codance/crowd/sync' },
  },
  {
    id: 'crowd-active',
    description: 'how many dancers are active',
    source: { kind: 'crowd', metric: 'active_dancers' },
    target: { kind: 'osc', address: '/codance/crowd/active', type: 'i' },
  },
  {
    id: 'dancer-hr',
    description: "the dancer's heart rate, 0..1 across their own recent range (5th..95th percentile of 2 min)",
    source: { kind: 'dancer', signal: 'hr' },
    scale: { in: [...(mappedSpec('hr')?.range ?? [40, 200])], out: [0, 1], adaptive: {} },
    target: { kind: 'osc', address: '/codance/dancer/{slot}/hr' },
  },
  {
    id: 'dancer-movement',
    description: "smoothed movement, 0..1 across the dancer's own recent range",
    source: { kind: 'dancer', signal: 'movement' },
    scale: { in: [0, MOVEMENT_FULL_G], out: [0, 1], smoothingMs: 100, adaptive: {} },
    target: { kind: 'osc', address: '/codance/dancer/{slot}/movement' },
  },
  {
    id: 'dancer-arousal',
    description: "the dancer's arousal, 0..1 across their own recent range",
    source: { kind: 'dancer', signal: 'arousal' },
    scale: { in: [0, 1], out: [0, 1], adaptive: {} },
    target: { kind: 'osc', address: '/codance/dancer/{slot}/arousal' },
  },
  {
    id: 'dancer-hit',
    description: `a sharp wrist movement (over ${HIT_ON_G} g beyond gravity) fires at once, value its strength`,
    source: { kind: 'dancer', signal: 'movement' },
    scale: {
      in: [0, HIT_FULL_G],
      out: [0, 1],
      threshold: { on: HIT_ON_G / HIT_FULL_G, off: HIT_OFF_G / HIT_FULL_G },
      minIntervalMs: 250,
    },
    target: { kind: 'osc', address: '/codance/dancer/{slot}/hit' },
  },
  {
    id: 'pattern',
    description: 'trigger: a learned pattern was detected (value: its confidence)',
    source: { kind: 'pattern' },
    target: { kind: 'osc', address: '/codance/pattern/{name}' },
  },
  {
    id: 'beat',
    description: 'every beat, with its count 1..8',
    source: { kind: 'clock', on: 'beat' },
    target: { kind: 'osc', address: '/codance/beat', type: 'i' },
  },
  {
    id: 'bar',
    description: 'each bar of the phrase',
    source: { kind: 'clock', on: 'bar' },
    target: { kind: 'osc', address: '/codance/bar', type: 'i' },
  },
  {
    id: 'phrase',
    description: 'each 8-count phrase',
    source: { kind: 'clock', on: 'phrase' },
    target: { kind: 'osc', address: '/codance/phrase', type: 'i' },
  },
  {
    id: 'cue',
    description: 'trigger: a choreography cue',
    source: { kind: 'cue' },
    target: { kind: 'osc', address: '/codance/cue/{name}' },
  },
];
