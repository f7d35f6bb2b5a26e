/**
 * Live charts: the crowd (energy, arousal, beat and inter-dancer synchrony) and one chosen
 * dancer's heart rate, skin conductance, movement and arousal. The dancer is chosen by device;
 * changing it restarts the stream with the new device (the server checks the wearer's consent).
 */
import type { ConsoleState, CrowdPoint, VitalsPoint } from '../contracts.js';
import { timeChart } from '../../../sync/web/kit/chart.js';
import { fill, fmt, h, kv } from '../../../sync/web/kit/dom.js';

const WINDOW_S = 120;

export function chartsPanels(onDevice: (key: string | undefined) => void) {
  const crowdBox = h('div', { class: 'chart', id: 'crowd-chart' });
  const crowdNow = h('div', { id: 'crowd-now' });
  const crowd = h(
    'section',
    { class: 'card', id: 'crowd', 'aria-labelledby': 'crowd-title' },
    h('h2', { id: 'crowd-title' }, 'Crowd'),
    crowdNow,
    crowdBox,
  );

  const picker = h(
    'select',
    { id: 'dancer-device', 'aria-label': 'Dancer (device) to chart' },
    h('option', { value: '' }, 'choose a device…'),
  );
  const vitalsNow = h('div', { id: 'vitals-now' });
  const hrBox = h('div', { class: 'chart', id: 'hr-chart' });
  const moveBox = h('div', { class: 'chart', id: 'movement-chart' });
  const dancer = h(
    'section',
    { class: 'card', id: 'dancer', 'aria-labelledby': 'dancer-title' },
    h('h2', { id: 'dancer-title' }, 'Dancer'),
    h('div', { class: 'row' }, picker),
    vitalsNow,
    hrBox,
    moveBox,
  );

  // Charts are made once the panels are in the page (uPlot measures its container).
  let crowdChart: ReturnType<typeof timeChart> | undefined;
  let hrChart: ReturnType<typeof timeChart> | undefined;
  let moveChart: ReturnType<typeof timeChart> | undefined;
  const latest: { hr?: number; eda?: number; movement?: number; arousal?: number } = {};
  let options = '';

  picker.addEventListener('change', () => {
    hrChart?.clear();
    moveChart?.clear();
    for (const k of Object.keys(latest) as (keyof typeof latest)[]) delete latest[k];
    fill(vitalsNow);
    onDevice(picker.value || undefined);
  });

  return {
    crowd,
    dancer,
    mount() {
      crowdChart = timeChart(
        crowdBox,
        'Crowd, last 2 min',
        [{ label: 'energy' }, { label: 'arousal' }, { label: 'beat sync' }, { label: 'inter sync' }],
        { windowS: WINDOW_S },
      );
      hrChart = timeChart(
        hrBox,
        'Heart rate and skin conductance',
        [
          { label: 'HR bpm', scale: 'bpm', digits: 0 },
          { label: 'EDA µS', scale: 'us' },
        ],
        { windowS: WINDOW_S },
      );
      moveChart = timeChart(
        moveBox,
        'Movement and arousal',
        [
          { label: 'movement g', scale: 'g', digits: 3 },
          { label: 'arousal', scale: 'p' },
        ],
        { windowS: WINDOW_S },
      );
    },
    onCrowd(c: CrowdPoint) {
      crowdChart?.push(c.at, [c.energy, c.arousal, c.beat_synchrony, c.inter_synchrony]);
      fill(
        crowdNow,
        kv([
          ['Active dancers', String(c.active)],
          ['Energy', fmt(c.energy)],
          ['Arousal', fmt(c.arousal)],
          ['Beat synchrony', fmt(c.beat_synchrony)],
        ]),
      );
    },
    onVitals(v: VitalsPoint) {
      if (v.device !== picker.value) return;
      if (v.hr !== undefined || v.eda !== undefined) hrChart?.push(v.at, [v.hr ?? null, v.eda ?? null]);
      if (v.movement !== undefined || v.arousal !== undefined)
        moveChart?.push(v.at, [v.movement ?? null, v.arousal ?? null]);
      Object.assign(latest, Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'at' && k !== 'device')));
      fill(
        vitalsNow,
        kv([
          ['Heart rate', fmt(latest.hr, 0, ' bpm')],
          ['EDA', fmt(latest.eda, 2, ' µS')],
          ['Movement', fmt(latest.movement, 3, ' g')],
          ['Arousal', fmt(latest.arousal)],
        ]),
      );
    },
    onState(s: ConsoleState) {
      const wearables = s.devices.filter((d) => !d.id.startsWith('haptic:'));
      const next = wearables.map((d) => `${d.id}|${d.dancer?.username ?? ''}`).join(',');
      if (next === options) return;
      options = next;
      const chosen = picker.value;
      fill(
        picker,
        h('option', { value: '' }, 'choose a device…'),
        ...wearables.map((d) =>
          h(
            'option',
            { value: d.id, selected: d.id === chosen },
            d.dancer ? `${d.dancer.username} (${d.name})` : d.name,
          ),
        ),
      );
    },
  };
}
