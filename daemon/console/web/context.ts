/** What every console panel is given: the signed-in session and a way to report a failed action. */
import type { Session } from '../../../sync/web/kit/api.js';

export interface PanelContext {
  api: Session;
  /** Shows the outcome of an action (switched, assigned, failed: why) where the technician looks. */
  say(text: string, bad?: boolean): void;
  /** Asks for a fresh state now (after an action), instead of at the next tick. */
  refresh(): void;
}
