/** What the console reads of the running daemon, injected into the API (absent in tests of other routes). */
import type { Bus } from '../bus.js';
import type { DoctorReport } from '../doctor/report.js';
import type { OscTargetMonitor } from './osc-monitor.js';

export interface ConsoleFeed {
  bus: Pick<Bus, 'on'>;
  box: { name: string; id(): string };
  /** /health's overall status. */
  status(): 'ok' | 'degraded' | 'down';
  osc(): OscTargetMonitor[];
  /** `codance doctor`'s checks, run in the daemon's process. */
  doctor(): Promise<DoctorReport>;
}
