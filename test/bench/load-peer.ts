// The loaded bench's other machines, in their own process so their work is not counted as the
// box's: `cloud DB BOX_ID` runs `codance cloud` on SQLite, enrols the box and prints
// {port, token}, then listens when told (a line on stdin); `clients BASE USER PASSWORD EVENT SONG...` pages the API at 50 requests/s,
// holds two console streams open and imports songs one after another (each one analysed), and
// prints what it did when stdin closes.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Accounts } from '../../sync/cloud/accounts.js';
import { startCloud } from '../../sync/cloud/server.js';

const quiet = { info: () => undefined, error: () => undefined };
const [mode, ...args] = process.argv.slice(2);
let stopping = false;
let told: (() => void) | undefined;
const done = new Promise<void>((resolve) => {
  process.stdin.on('data', () => told?.());
  process.stdin.on('end', () => {
    stopping = true;
    resolve();
  });
});

if (mode === 'cloud') {
  const [db, boxId] = args as [string, string];
  const enrolling = await startCloud({ db, host: '127.0.0.1', port: 0, version: 'bench', log: quiet });
  const accounts = new Accounts(enrolling.db.db);
  const { orgId, userId } = await accounts.createOrg('bench', {
    email: 'ops@bench.example',
    password: 'bench-password',
  });
  const venue = await accounts.createVenue(orgId, 'hall');
  const { code } = await accounts.enrolmentCode(venue, userId);
  const { token } = await accounts.enrol(code, boxId, 'bench-box');
  const port = enrolling.port;
  await enrolling.close();
  process.stdout.write(`${JSON.stringify({ port, token })}\n`);
  // Listening again (same port, same database) only when told: the box's backlog waits till then.
  await new Promise<void>((r) => (told = r));
  const cloud = await startCloud({ db, host: '127.0.0.1', port, version: 'bench', log: quiet });
  process.stdout.write('listening\n');
  await done;
  await cloud.close();
  process.exit(0);
}

const [base, username, password, eventId, ...songs] = args as [string, string, string, string, ...string[]];
const login = await fetch(`${base}/api/v1/users/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username, password }),
});
if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
const auth = { authorization: `Bearer ${((await login.json()) as { access_token: string }).access_token}` };
const counts = { pages: 0, pageErrors: 0, streamBytes: 0, songs: 0, songErrors: 0 };

// 50 requests/s: one every 20 ms, paging through the event's movement records and starting over.
let cursor: string | null = null;
const pager = setInterval(() => {
  const query = new URLSearchParams({ event_id: eventId, limit: '100', ...(cursor ? { cursor } : {}) });
  fetch(`${base}/api/v1/movement/data?${query.toString()}`, { headers: auth })
    .then(async (r) => {
      if (r.status !== 200) throw new Error(String(r.status));
      cursor = ((await r.json()) as { next_cursor: string | null }).next_cursor;
      counts.pages++;
    })
    .catch(() => counts.pageErrors++);
}, 20);

const streams = [0, 1].map(async () => {
  const controller = new AbortController();
  void done.then(() => controller.abort());
  try {
    const r = await fetch(`${base}/api/v1/console/stream`, { headers: auth, signal: controller.signal });
    for await (const chunk of r.body as AsyncIterable<Uint8Array>) counts.streamBytes += chunk.length;
  } catch {
    // Aborted at the end.
  }
});

// Songs one after another; a byte appended past the audio makes each import a new file.
const importing = (async () => {
  for (let n = 0; !stopping; n++) {
    const path = songs[n % songs.length]!;
    const bytes = Buffer.concat([readFileSync(path), Buffer.from([n & 0xff, (n >> 8) & 0xff])]);
    const form = new FormData();
    form.set('file', new Blob([bytes]), basename(path));
    form.set('title', `bench ${n}`);
    const r = await fetch(`${base}/api/v1/songs`, { method: 'POST', headers: auth, body: form });
    if (r.status === 201) counts.songs++;
    else counts.songErrors++;
    await r.arrayBuffer();
  }
})();

await done;
clearInterval(pager);
await Promise.allSettled([...streams, importing]);
process.stdout.write(`${JSON.stringify(counts)}\n`);
process.exit(0);
