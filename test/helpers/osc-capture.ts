/** An OSC target whose transport keeps every packet, on a given clock, with its messages decoded (bundles unpacked). */
import { decodeOscPacket, type OscMessage } from '../../drivers/osc/codec.js';
import { OscTarget, type OscTargetOptions } from '../../drivers/osc/osc-target.js';
import { HealthRegistry } from '../../drivers/health/registry.js';
import type { ManualTime } from './manual-time.js';

export const TARGET_OPTIONS: OscTargetOptions = {
  id: 'osc:t',
  rateHz: 10,
  maxMessagesPerS: 10_000,
  maxPacketBytes: 1400,
  timeTags: false,
  rules: ['*'],
  prefix: '',
  floatRange: [0, 1],
  hold: false,
};

export function capturingTarget(time: ManualTime, over: Partial<OscTargetOptions> = {}, health = new HealthRegistry()) {
  const packets: Uint8Array[] = [];
  const t = new OscTarget(
    { ...TARGET_OPTIONS, ...over },
    { send: (p) => (packets.push(p), true), start: () => undefined, stop: () => Promise.resolve() },
    health,
    time,
  );
  const messages = (): OscMessage[] =>
    packets.flatMap((p) => {
      const d = decodeOscPacket(p);
      if (!d.ok) throw new Error(d.reason);
      return 'address' in d.value ? [d.value] : (d.value.elements as OscMessage[]);
    });
  return { t, packets, messages };
}
