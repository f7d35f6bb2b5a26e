/**
 * One health registry for every device and subsystem. Drivers write to it; the HTTP API,
 * metrics, logs and MQTT read snapshots of it. Writing is cheap (an object merge), so it
 * can be called from hot paths.
 */
export type HealthState = 'starting' | 'connected' | 'retrying' | 'error' | 'stopped' | 'unavailable';

export interface ComponentHealth {
  id: string;
  /** `device` for wearables and controllers, `subsystem` for store, http, outputs. */
  type: 'device' | 'subsystem';
  state: HealthState;
  detail?: string;
  /** Wall-clock ms of the last sample received (devices). */
  lastSampleAt?: number;
  batteryPercent?: number;
  rssi?: number;
  /** How many times it came back to `connected` after having been connected (counted here, for every driver alike). */
  reconnects?: number;
  /** The most recent rejection or failure, in words (the counts are in `errors`). */
  lastError?: string;
  /** Rejected payloads, failed writes, etc., by reason. */
  errors?: Record<string, number>;
  updatedAt: number;
}

export interface HealthReporter {
  report(id: string, patch: Partial<Omit<ComponentHealth, 'id' | 'updatedAt'>>): void;
  countError(id: string, reason: string): void;
}

/** Told when a component changes state (connected → retrying, ...), so transitions are logged once, here. */
export type StateChange = (next: ComponentHealth, previous: ComponentHealth | undefined) => void;

export class HealthRegistry implements HealthReporter {
  private readonly components = new Map<string, ComponentHealth>();
  private readonly connectedOnce = new Set<string>();
  constructor(
    private readonly now: () => number = Date.now,
    private readonly onStateChange?: StateChange,
  ) {}

  report(id: string, patch: Partial<Omit<ComponentHealth, 'id' | 'updatedAt'>>): void {
    const prev = this.components.get(id);
    const next: ComponentHealth = { type: 'device', state: 'starting', ...prev, ...patch, id, updatedAt: this.now() };
    if (next.state === 'connected' && prev && prev.state !== 'connected') {
      if (this.connectedOnce.has(id)) next.reconnects = (prev.reconnects ?? 0) + 1;
    }
    if (next.state === 'connected') this.connectedOnce.add(id);
    this.components.set(id, next);
    if (
      this.onStateChange &&
      (prev?.state !== next.state ||
        (patch.detail !== undefined && patch.detail !== prev.detail && next.state !== 'connected'))
    ) {
      try {
        this.onStateChange(next, prev);
      } catch {
        // Logging must never break a driver's hot path.
      }
    }
  }

  countError(id: string, reason: string): void {
    const prev = this.components.get(id);
    const errors = { ...prev?.errors, [reason]: (prev?.errors?.[reason] ?? 0) + 1 };
    this.report(id, { errors });
  }

  get(id: string): ComponentHealth | undefined {
    return this.components.get(id);
  }

  snapshot(): ComponentHealth[] {
    return [...this.components.values()].map((c) => ({ ...c, errors: c.errors && { ...c.errors } }));
  }
}
