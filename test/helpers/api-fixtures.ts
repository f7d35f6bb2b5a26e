/**
 * A request builder for every route: `requestFor(rule, owner)` makes a request that should
 * succeed for someone allowed, acting on a record that belongs to `owner` (made with
 * api-makers.ts).
 */
import type { Call } from './api-app.js';
import { makers, tinyBlueprint, uniq, type Makers } from './api-makers.js';
import { sampleForm, songForm } from './audio-files.js';

/** The record makers, for the tests that build requests and records together. */
export { makers };

export interface Built extends Call {
  path: string;
}

interface ResourceFixture {
  make(m: Makers, owner: number): number;
  create(m: Makers, owner: number): unknown;
}

/** The generic CRUD resources: base path → how to make one and a body that creates one. */
const resources: Record<string, ResourceFixture> = {
  '/api/v1/events': {
    make: (m) => m.event(),
    create: () => ({ name: `gala ${uniq()}`, starts_at: '2030-01-01T20:00:00Z', ends_at: '2030-01-02T02:00:00Z' }),
  },
  '/api/v1/events/registrations': { make: (m, o) => m.registration(o), create: () => ({}) },
  '/api/v1/movement/data': {
    make: (m, o) => m.movement(o),
    create: (_m, o) => ({ user_id: o, data_type: 'position', coordinates: { x: 1, y: 2 }, intensity: 0.4 }),
  },
  '/api/v1/movement/patterns': {
    make: (m) => m.pattern(),
    create: () => ({ name: `dip ${uniq()}`, pattern_data: { axis: 'z' } }),
  },
  '/api/v1/movement/detected-patterns': {
    make: (m, o) => m.detected(o),
    create: (m, o) => ({ pattern_id: m.pattern(), user_id: o, confidence: 0.8 }),
  },
  '/api/v1/biometrics/data': {
    make: (m, o) => m.biometric(o),
    create: (_m, o) => ({ user_id: o, heart_rate: 128, gsr_us: 4.2 }),
  },
  '/api/v1/biometrics/devices': {
    make: (m) => m.device(),
    create: () => ({ device_key: `AA:BB:${uniq()}`, kind: 'wearable', transport: 'ble', model: 'Polar H10' }),
  },
  '/api/v1/sound/events': { make: (m) => m.soundEvent(), create: () => ({ sound_type: 'pad', intensity: 0.3 }) },
  '/api/v1/sound/songs': {
    make: (m, o) => m.song(o),
    create: (_m, o) => ({ user_id: o, title: 'Propuesta Indecente', artist: 'Romeo Santos' }),
  },
  '/api/v1/sound/presets': {
    make: (m) => m.soundPreset(),
    create: () => ({ name: `night ${uniq()}`, parameters: { reverb: 0.4 } }),
  },
  '/api/v1/visualization/events': { make: (m) => m.vizEvent(), create: () => ({ viz_type: 'pulse', intensity: 0.8 }) },
  '/api/v1/visualization/presets': {
    make: (m) => m.vizPreset(),
    create: () => ({ name: `amber ${uniq()}`, parameters: { hue: 40 } }),
  },
};

type Special = (m: Makers, owner: number, ctx: { password: string; ownerName: string }) => Built;

/** Routes that are not plain CRUD, keyed by `METHOD path`. */
const special: Record<string, Special> = {
  'POST /api/v1/users/register': () => ({
    path: '/api/v1/users/register',
    body: { username: `new${uniq()}`, email: `n${uniq()}@example.org`, password: 'long enough pw' },
  }),
  'POST /api/v1/users/token': (_m, _o, ctx) => ({
    path: '/api/v1/users/token',
    body: { username: ctx.ownerName, password: ctx.password },
  }),
  'POST /api/v1/users/token/refresh': () => ({
    path: '/api/v1/users/token/refresh',
    body: { refresh_token: 'filled-in-by-the-test' },
  }),
  'GET /api/v1/users/me': () => ({ path: '/api/v1/users/me' }),
  'POST /api/v1/users': () => ({
    path: '/api/v1/users',
    body: { username: `u${uniq()}`, email: `u${uniq()}@example.org`, password: 'long enough pw', role: 'technician' },
  }),
  'GET /api/v1/users': () => ({ path: '/api/v1/users' }),
  'GET /api/v1/users/{id}': (_m, o) => ({ path: `/api/v1/users/${o}` }),
  'PUT /api/v1/users/{id}': (_m, o) => ({ path: `/api/v1/users/${o}`, method: 'PUT', body: {} }),
  // admin-only: the target is a fresh account (an admin deleting themself is the last-admin case)
  'DELETE /api/v1/users/{id}': (m) => ({ path: `/api/v1/users/${m.user()}`, method: 'DELETE' }),
  'GET /api/v1/users/{id}/export': (_m, o) => ({ path: `/api/v1/users/${o}/export` }),
  'GET /api/v1/users/{id}/consents': (_m, o) => ({ path: `/api/v1/users/${o}/consents` }),
  // Staff erase a dancer of their own making; a dancer themself (the matrix swaps in a throwaway dancer).
  'POST /api/v1/users/{id}/erasure': (m, o, ctx) => ({
    path: `/api/v1/users/${ctx.ownerName === 'dancer' ? o : m.user()}/erasure`,
    method: 'POST',
  }),
  'GET /api/v1/erasures': () => ({ path: '/api/v1/erasures' }),
  'GET /api/v1/access-log': () => ({ path: '/api/v1/access-log' }),
  'GET /api/v1/events/upcoming': () => ({ path: '/api/v1/events/upcoming' }),
  'POST /api/v1/events/register': (m, o) => ({
    path: '/api/v1/events/register',
    body: { event_id: m.event(), user_id: o },
  }),
  'POST /api/v1/events/checkin': (m, o) => {
    const eventId = m.event();
    m.registration(o, eventId);
    return { path: '/api/v1/events/checkin', body: { event_id: eventId, user_id: o } };
  },
  'POST /api/v1/events/checkout': (m, o) => {
    const eventId = m.event();
    m.registration(o, eventId, true);
    return { path: '/api/v1/events/checkout', body: { event_id: eventId, user_id: o } };
  },
  'POST /api/v1/movement/simulate': (m) => ({
    path: '/api/v1/movement/simulate',
    body: { event_id: m.event(), duration_s: 5, dancers: 2 },
  }),
  'POST /api/v1/biometrics/simulate': (m, o) => ({
    path: '/api/v1/biometrics/simulate',
    body: { event_id: m.event(), user_id: o, duration_s: 5 },
  }),
  'GET /api/v1/biometrics/devices/assignments': () => ({ path: '/api/v1/biometrics/devices/assignments' }),
  'POST /api/v1/biometrics/devices/{id}/assign': (m, o) => ({
    path: `/api/v1/biometrics/devices/${m.device()}/assign`,
    body: { user_id: o },
  }),
  'POST /api/v1/biometrics/devices/{id}/release': (m, o) => ({
    path: `/api/v1/biometrics/devices/${m.assignedDevice(o)}/release`,
  }),
  'POST /api/v1/sound/songs/{id}/approve': (m, o) => ({ path: `/api/v1/sound/songs/${m.song(o)}/approve` }),
  'POST /api/v1/sound/songs/{id}/reject': (m, o) => ({ path: `/api/v1/sound/songs/${m.song(o)}/reject` }),
  'GET /api/v1/sound/samples': () => ({ path: '/api/v1/sound/samples' }),
  'GET /api/v1/mapping': () => ({ path: '/api/v1/mapping' }),
  'PUT /api/v1/mapping/rules': () => ({
    path: '/api/v1/mapping/rules',
    method: 'PUT',
    body: [
      {
        id: 'energy',
        source: { kind: 'crowd', metric: 'energy' },
        target: { kind: 'osc', address: '/codance/crowd/energy' },
      },
    ],
  }),
  'PUT /api/v1/mapping/rules/{rule}': () => ({
    path: '/api/v1/mapping/rules/hr',
    method: 'PUT',
    body: {
      id: 'hr',
      source: { kind: 'dancer', signal: 'hr' },
      target: { kind: 'osc', address: '/codance/dancer/{slot}/hr' },
    },
  }),
  'DELETE /api/v1/mapping/rules/{rule}': (m) => ({
    path: `/api/v1/mapping/rules/${m.mappingRule()}`,
    method: 'DELETE',
  }),
  'POST /api/v1/mapping/reset': () => ({ path: '/api/v1/mapping/reset' }),
  'GET /api/v1/mapping/presets': () => ({ path: '/api/v1/mapping/presets' }),
  'PUT /api/v1/mapping/active': () => ({ path: '/api/v1/mapping/active', method: 'PUT', body: { sound: null } }),
  'GET /api/v1/clock': () => ({ path: '/api/v1/clock' }),
  'GET /api/v1/songs': () => ({ path: '/api/v1/songs' }),
  'POST /api/v1/songs': () => ({ path: '/api/v1/songs', form: songForm() }),
  'GET /api/v1/songs/{id}': (m) => ({ path: `/api/v1/songs/${m.librarySong()}` }),
  'GET /api/v1/songs/{id}/audio': (m) => ({ path: `/api/v1/songs/${m.librarySong()}/audio` }),
  'DELETE /api/v1/songs/{id}': (m) => ({ path: `/api/v1/songs/${m.librarySong()}`, method: 'DELETE' }),
  'POST /api/v1/songs/{id}/count': (m) => ({
    path: `/api/v1/songs/${m.librarySong(8)}/count`,
    method: 'POST',
    body: { count: 'half' },
  }),
  'GET /api/v1/playback': () => ({ path: '/api/v1/playback' }),
  'PUT /api/v1/playback': (m) => ({ path: '/api/v1/playback', method: 'PUT', body: { song_id: m.librarySong() } }),
  'DELETE /api/v1/playback': () => ({ path: '/api/v1/playback', method: 'DELETE' }),
  'GET /api/v1/sync': () => ({ path: '/api/v1/sync' }),
  'GET /api/v1/choreography/moves': () => ({ path: '/api/v1/choreography/moves?style=sensual' }),
  'POST /api/v1/choreography/parse-query': () => ({
    path: '/api/v1/choreography/parse-query',
    method: 'POST',
    body: { query: 'romantic beginner' },
  }),
  'POST /api/v1/choreography/generate-from-song': (m) => ({
    path: '/api/v1/choreography/generate-from-song',
    method: 'POST',
    body: { song_id: m.librarySong(16), render: false },
  }),
  'POST /api/v1/choreography/describe': (m) => ({
    path: '/api/v1/choreography/describe',
    method: 'POST',
    body: { description: 'a short beginner routine', song_id: m.librarySong(16), render: false },
  }),
  'GET /api/v1/choreography/tasks': () => ({ path: '/api/v1/choreography/tasks' }),
  'GET /api/v1/choreography/tasks/{id}': (m, o) => ({ path: `/api/v1/choreography/tasks/${m.choreoTask(o)}` }),
  'POST /api/v1/choreography/tasks/{id}/cancel': (m, o) => ({
    path: `/api/v1/choreography/tasks/${m.choreoTask(o)}/cancel`,
    method: 'POST',
  }),
  'GET /api/v1/choreography/tasks/{id}/video': (m, o) => ({
    path: `/api/v1/choreography/tasks/${m.choreoTask(o, 'completed')}/video`,
  }),
  'GET /api/v1/collections': () => ({ path: '/api/v1/collections' }),
  'GET /api/v1/collections/stats': () => ({ path: '/api/v1/collections/stats' }),
  'POST /api/v1/collections': () => ({
    path: '/api/v1/collections',
    method: 'POST',
    body: { name: `Friday ${uniq()}`, blueprint: tinyBlueprint },
  }),
  'GET /api/v1/collections/{id}': (m, o) => ({ path: `/api/v1/collections/${m.collection(o)}` }),
  'DELETE /api/v1/collections/{id}': (m, o) => ({ path: `/api/v1/collections/${m.collection(o)}`, method: 'DELETE' }),
  'GET /api/v1/choreography/live': () => ({ path: '/api/v1/choreography/live' }),
  'PUT /api/v1/choreography/live': (m, o) => ({
    path: '/api/v1/choreography/live',
    method: 'PUT',
    body: { collection_id: m.collection(o) },
  }),
  'DELETE /api/v1/choreography/live': () => ({ path: '/api/v1/choreography/live', method: 'DELETE' }),
  'POST /api/v1/choreography/blueprint': (m) => ({
    path: '/api/v1/choreography/blueprint',
    method: 'POST',
    body: { song_id: m.librarySong(16), query: 'beginner' },
  }),
  'POST /api/v1/sync/now': () => ({ path: '/api/v1/sync/now', method: 'POST' }),
  'POST /api/v1/sound/samples': () => ({ path: '/api/v1/sound/samples', form: sampleForm() }),
  'GET /api/v1/sound/samples/{id}': (m) => ({ path: `/api/v1/sound/samples/${m.sample()}` }),
  'GET /api/v1/sound/samples/{id}/audio': (m) => ({ path: `/api/v1/sound/samples/${m.sample()}/audio` }),
  'DELETE /api/v1/sound/samples/{id}': (m) => ({ path: `/api/v1/sound/samples/${m.sample()}`, method: 'DELETE' }),
  'POST /api/v1/sound/simulate': (m) => ({ path: '/api/v1/sound/simulate', body: { event_id: m.event() } }),
  'GET /api/v1/devices/health': () => ({ path: '/api/v1/devices/health' }),
  'GET /api/v1/devices/haptics': () => ({ path: '/api/v1/devices/haptics' }),
  'GET /api/v1/slots': () => ({ path: '/api/v1/slots' }),
  'POST /api/v1/devices/haptics/{name}/pulse': () => ({
    path: '/api/v1/devices/haptics/floor/pulse',
    body: { channel: 1, pattern: 'tick', intensity: 0.5, duration_ms: 40 },
  }),
  'GET /api/v1/console/state': () => ({ path: '/api/v1/console/state' }),
  'GET /api/v1/console/doctor': () => ({ path: '/api/v1/console/doctor' }),
  'GET /api/v1/console/stream': () => ({ path: '/api/v1/console/stream?once=true' }),
  'POST /api/v1/visualization/simulate': (m) => ({
    path: '/api/v1/visualization/simulate',
    body: { event_id: m.event() },
  }),
};

/** A request for `method path` that an allowed caller can make succeed, on a record owned by `owner`; undefined if no builder is known. */
export function requestFor(
  m: Makers,
  method: string,
  path: string,
  owner: number,
  ctx: { password: string; ownerName: string },
): Built | undefined {
  const key = `${method} ${path}`;
  const s = special[key];
  if (s) return { method, ...s(m, owner, ctx) };
  const withId = path.endsWith('/{id}');
  const base = withId ? path.slice(0, -'/{id}'.length) : path;
  const r = resources[base];
  if (!r) return undefined;
  if (!withId && method === 'GET') return { method, path };
  if (!withId && method === 'POST') return { method, path, body: r.create(m, owner) };
  const id = r.make(m, owner);
  if (method === 'PUT') return { method, path: `${base}/${id}`, body: {} };
  return { method, path: `${base}/${id}` };
}
