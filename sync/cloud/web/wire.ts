/** The cloud API's shapes as the dashboard reads them (types only: nothing of zod is bundled). */
import type { z } from '@hono/zod-openapi';
import type {
  boxOut,
  dancerSummaryOut,
  dataPage,
  orgOut,
  sessionsPage,
  summaryOut,
  timelineOut,
  venueOut,
} from '../contracts.js';
import type { retentionOut } from '../privacy-contracts.js';

export type Org = z.output<typeof orgOut>;
export type Venue = z.output<typeof venueOut>;
export type Box = z.output<typeof boxOut>;
export type SessionsPage = z.output<typeof sessionsPage>;
export type Summary = z.output<typeof summaryOut>;
export type DataPage = z.output<typeof dataPage>;
export type DancerSummary = z.output<typeof dancerSummaryOut>;
export type Timeline = z.output<typeof timelineOut>;
export type Retention = z.output<typeof retentionOut>;
