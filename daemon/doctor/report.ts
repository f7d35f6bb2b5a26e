/** Runs the checks and renders the table a technician reads at 1 a.m. */
import Table from 'cli-table3';
import type { Check, CheckResult } from './checks.js';

export interface DoctorReport {
  rows: (CheckResult & { name: string; fatal: boolean })[];
  /** True when a fatal check failed: the daemon would not start. */
  blocking: boolean;
}

export async function runChecks(checks: readonly Check[]): Promise<DoctorReport> {
  const rows = await Promise.all(
    checks.map(async (c) => {
      try {
        return { name: c.name, fatal: c.fatal, ...(await c.run()) };
      } catch (err) {
        return {
          name: c.name,
          fatal: c.fatal,
          status: 'fail' as const,
          detail: `check crashed: ${(err as Error).message}`,
        };
      }
    }),
  );
  return { rows, blocking: rows.some((r) => r.fatal && r.status === 'fail') };
}

const MARK = { ok: 'ok', warn: 'WARN', fail: 'FAIL' } as const;

export function renderReport(report: DoctorReport): string {
  const table = new Table({
    head: ['check', 'status', 'detail', 'what to do'],
    style: { head: [], border: [] },
    wordWrap: true,
    colWidths: [20, 8, 44, 60],
  });
  for (const r of report.rows) table.push([r.name, MARK[r.status], r.detail, r.status === 'ok' ? '' : (r.fix ?? '')]);
  const summary = report.blocking
    ? 'The daemon cannot start until the FAIL rows are fixed.'
    : report.rows.some((r) => r.status !== 'ok')
      ? 'The daemon can start; WARN rows are capabilities it will run without.'
      : 'All checks passed.';
  return `${table.toString()}\n${summary}\n`;
}
