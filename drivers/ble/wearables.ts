/**
 * The BLE driver's options, and what it knows of each wearable: every one it heard (the scan
 * list), and for each allowlisted one its stream state, backoff, the adverts each radio
 * heard and its link; and where a wearable should connect now: the radio that is up, free to
 * connect, has a free link and heard it lately; the emptiest first, then the loudest.
 */
import { Retry, type BackoffLimits } from '../backoff.js';
import type { BleAllowEntry } from './allowlist.js';
import type { BlePeripheral } from './binding.js';
import type { RadioSlot } from './radio-slot.js';
import { WearableStreams, type OpenSession, type PmdStreamSettings } from './wearable-session.js';

export interface BleOptions {
  allowlist: BleAllowEntry[];
  connectTimeoutMs: number;
  poweredOnTimeoutMs: number;
  reconnect: BackoffLimits;
  rssiEveryMs: number;
  pmd: { acc: PmdStreamSettings; ecg: PmdStreamSettings };
  /** What the store records as the device's transport: `replay` when the radio is a recording. */
  transport?: 'ble' | 'replay';
}

export interface SeenWearable {
  key: string;
  id: string;
  address: string;
  name: string | undefined;
  rssi: number;
  services: string[];
  allowed: boolean;
  lastSeenAt: number;
}

/** A wearable is only connected through a radio that heard it advertise this recently. */
const ADVERT_FRESH_MS = 10_000;

export interface Known {
  key: string;
  name: string | undefined;
  streams: WearableStreams;
  retry: Retry;
  state: 'idle' | 'queued' | 'connecting' | 'connected';
  /** The latest advert each radio heard from it. */
  adverts: Map<RadioSlot, { p: BlePeripheral; at: number }>;
  /** The radio and peripheral of the current link (connecting or connected). */
  link: { slot: RadioSlot; p: BlePeripheral } | undefined;
  session: OpenSession | undefined;
  onDisconnect: (() => void) | undefined;
}

/** What an advert says of its wearable: its name and signal. */
export const heard = (p: BlePeripheral): Pick<SeenWearable, 'name' | 'rssi'> => ({
  name: p.advertisement.localName,
  rssi: p.rssi,
});

export function newKnown(key: string, name: string | undefined, reconnect: BackoffLimits): Known {
  return {
    key,
    name,
    streams: new WearableStreams(),
    retry: new Retry(reconnect),
    state: 'idle',
    adverts: new Map(),
    link: undefined,
    session: undefined,
    onDisconnect: undefined,
  };
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms)),
    ),
  ]).finally(() => clearTimeout(timer));
}

/** The radio for this wearable now: up, free to connect, a free link, heard it lately; the emptiest first, then the loudest. */
export function radioFor(k: Known, now: number): { slot: RadioSlot; p: BlePeripheral } | 'busy' | 'full' | 'unheard' {
  let best: { slot: RadioSlot; p: BlePeripheral; free: number; rssi: number } | undefined;
  let busy = false;
  let heard = false;
  for (const [slot, advert] of k.adverts) {
    if (!slot.up || now - advert.at > ADVERT_FRESH_MS) continue;
    heard = true;
    const free = slot.radio.maxConnected - slot.links;
    if (free <= 0) continue;
    if (slot.connecting) {
      busy = true;
      continue;
    }
    if (!best || free > best.free || (free === best.free && advert.p.rssi > best.rssi))
      best = { slot, p: advert.p, free, rssi: advert.p.rssi };
  }
  if (best) return { slot: best.slot, p: best.p };
  return busy ? 'busy' : heard ? 'full' : 'unheard';
}
