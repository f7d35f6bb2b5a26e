/**
 * Consent at the source: the bus asks this gate before a sample, a model output or a pattern
 * detection reaches anyone (outputs, OSCQuery values, MQTT telemetry, the console, the
 * pipeline, the store). A wearable's biometrics (heart rate, skin conductance and temperature,
 * ECG, PPG, and what is derived from them, such as arousal) pass only if its wearer consented
 * to biometrics being recorded. Movement (accelerometer, gyroscope, detected patterns) passes
 * unless the wearer declined or withdrew that consent (it is 0 and was set explicitly). A band
 * assigned to nobody names nobody: its data passes under the band's own key, and the store
 * keeps it without a dancer. Battery readings always pass.
 *
 * Wearers are read by device key and cached for TTL_MS, so a new consent or assignment takes
 * effect within that time while the hot path costs a map lookup.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { consentOf, type Sample } from '../../config/signals.js';

export const CONSENT_TTL_MS = 1000;

interface Policy {
  biometrics: boolean;
  movement: boolean;
}

const OPEN: Policy = { biometrics: true, movement: true };

export class ConsentGate {
  private readonly cache = new Map<string, { policy: Policy; until: number }>();
  private readonly select: BetterSqlite3.Statement<[string], { consent: number; decided_at: number | null }>;
  private readonly revokedListeners: ((deviceKey: string) => void)[] = [];
  /** Samples kept from every consumer, by kind of data. */
  readonly withheld = { biometrics: 0, movement: 0 };

  constructor(
    sqlite: BetterSqlite3.Database,
    private readonly now: () => number = Date.now,
  ) {
    this.select = sqlite.prepare(
      `SELECT u.consent_biometrics AS consent, u.consent_updated_at AS decided_at
       FROM devices d JOIN device_assignments a ON a.device_id = d.id AND a.released_at IS NULL JOIN users u ON u.id = a.user_id
       WHERE d.device_key = ?`,
    );
  }

  /** Told when a device's data stops passing (consent withdrawn, band given to someone who declined): drop what is held of it. */
  onRevoked(listener: (deviceKey: string) => void): void {
    this.revokedListeners.push(listener);
  }

  /** A consent or an assignment changed: every device is looked up again on its next sample (revocations still noticed). */
  refresh(): void {
    for (const entry of this.cache.values()) entry.until = 0;
  }

  /** Asks by the consent class the signal registry gives the sample's signal or stream. */
  sample(s: Sample): boolean {
    const n = s.kind === 'raw' ? s.values.length / Math.max(1, s.channels) : 1;
    switch (consentOf(s)) {
      case 'none':
        return true;
      case 'movement':
        return this.movement(s.deviceKey, n);
      case 'biometrics':
        return this.biometrics(s.deviceKey, n);
    }
  }

  /** May this device's biometrics (or something derived from them) go anywhere? Counts `n` samples withheld if not. */
  biometrics(deviceKey: string, n = 1): boolean {
    if (this.policy(deviceKey).biometrics) return true;
    this.withheld.biometrics += n;
    return false;
  }

  movement(deviceKey: string, n = 1): boolean {
    if (this.policy(deviceKey).movement) return true;
    this.withheld.movement += n;
    return false;
  }

  private policy(key: string): Policy {
    const t = this.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > t) return hit.policy;
    let policy = OPEN;
    try {
      const row = this.select.get(key);
      if (row) policy = { biometrics: row.consent === 1, movement: row.consent === 1 || row.decided_at === null };
    } catch {
      // The store cannot be read: nothing personal passes until it can.
      policy = { biometrics: false, movement: false };
    }
    this.cache.set(key, { policy, until: t + CONSENT_TTL_MS });
    if (hit && ((hit.policy.biometrics && !policy.biometrics) || (hit.policy.movement && !policy.movement))) {
      for (const listener of this.revokedListeners) {
        try {
          listener(key);
        } catch {
          // Forgetting held values is best effort; the gate's answer stands either way.
        }
      }
    }
    return policy;
  }
}
