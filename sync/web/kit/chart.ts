/**
 * Time-series charts (uPlot, bundled: no CDN). A live chart keeps a rolling window and redraws
 * at most once per animation frame however fast points arrive; a static chart takes a whole
 * series. Each chart has a text label for screen readers, kept to its latest values.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Okabe–Ito: distinguishable with the common colour-vision deficiencies. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];

export interface SeriesSpec {
  label: string;
  /** Axis scale name: series sharing one share an axis. */
  scale?: string;
  digits?: number;
}

export interface Chart {
  push(t: number, values: (number | null)[]): void;
  set(times: number[], columns: (number | null)[][]): void;
  clear(): void;
  destroy(): void;
}

export function timeChart(
  container: HTMLElement,
  title: string,
  series: SeriesSpec[],
  opts: { windowS?: number; height?: number } = {},
): Chart {
  const windowS = opts.windowS;
  const times: number[] = [];
  const columns: (number | null)[][] = series.map(() => []);
  container.setAttribute('role', 'img');
  container.setAttribute('aria-label', title);
  const scales = [...new Set(series.map((s) => s.scale ?? 'y'))];
  const plot = new uPlot(
    {
      title,
      width: Math.max(240, container.clientWidth),
      height: opts.height ?? 180,
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          scale: s.scale ?? 'y',
          stroke: PALETTE[i % PALETTE.length],
          width: 2,
          spanGaps: true,
          value: (_u: uPlot, v: number | null) => (v === null ? '—' : v.toFixed(s.digits ?? 2)),
        })),
      ],
      axes: [{}, ...scales.map((scale, i) => ({ scale, side: i === 0 ? 3 : 1, grid: { show: i === 0 } }))],
      scales: { x: { time: true } },
      legend: { live: false },
    },
    [[], ...series.map(() => [])],
    container,
  );
  const resize = new ResizeObserver(() =>
    plot.setSize({ width: Math.max(240, container.clientWidth), height: opts.height ?? 180 }),
  );
  resize.observe(container);
  let queued = false;
  const draw = (): void => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      plot.setData([times, ...columns] as uPlot.AlignedData);
      const latest = series
        .map((s, i) => `${s.label} ${columns[i]?.findLast((v) => v !== null)?.toFixed(s.digits ?? 2) ?? 'none'}`)
        .join(', ');
      container.setAttribute('aria-label', `${title}: latest ${latest}`);
    });
  };
  return {
    push(t, values) {
      times.push(t / 1000);
      values.forEach((v, i) => columns[i]?.push(v));
      if (windowS !== undefined) {
        const cut = times.findIndex((x) => x >= t / 1000 - windowS);
        if (cut > 0) {
          times.splice(0, cut);
          for (const c of columns) c.splice(0, cut);
        }
      }
      draw();
    },
    set(ts, cols) {
      times.splice(0, times.length, ...ts.map((t) => t / 1000));
      cols.forEach((c, i) => columns[i]?.splice(0, columns[i].length, ...c));
      draw();
    },
    clear() {
      times.length = 0;
      for (const c of columns) c.length = 0;
      draw();
    },
    destroy() {
      resize.disconnect();
      plot.destroy();
    },
  };
}
