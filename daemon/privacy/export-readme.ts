/** The README inside a dancer's export: what each file holds, its fields and their units. */
import { RAW_STREAMS, rawStreams } from '../../config/signals.js';

export function exportReadme(boxName: string, at: number): string {
  const raw = rawStreams
    .map(
      (s) =>
        `- \`raw/${s}.csv\`: ${RAW_STREAMS[s].label}, ${RAW_STREAMS[s].unit}, about ${RAW_STREAMS[s].rateHz} samples a second`,
    )
    .join('\n');
  return `# Your data from the Codance box "${boxName}"

Exported ${new Date(at).toISOString()}. Everything this box holds about you, in open formats:
JSON for records, CSV (comma-separated, first line the column names, UTF-8) for readings.
Times are given twice: \`time\` in ISO 8601 (UTC) and \`time_ms\` in milliseconds since
1970-01-01 UTC. \`manifest.json\` counts the rows of every file.

| file | what it holds |
|---|---|
| \`account.json\` | your account: username, email, role, your pseudonym (the random id that stands for you in anything synced to the venue's cloud), your consents as they are now. The password is never exported (only a hash of it is kept) |
| \`consents.json\` | every grant (\`granted: true\`) and withdrawal of your consents, with the time, the account that made it and how (\`api\`, \`registration\`, \`cli\`; \`before history\` for the state when the box started keeping a history). \`biometrics\`: your readings may be recorded; \`cloud_sync\`: they may leave the box for the venue's cloud |
| \`registrations.json\` | the events you registered for, checked in and out of |
| \`device_assignments.json\` | the bands you wore (\`device\`), from \`assigned_at\` to \`released_at\` |
| \`song_selections.json\`, \`collections.json\`, \`choreo_tasks.json\` | songs you chose, choreographies you saved and asked for |
| \`biometrics.csv\` | one line per reading: \`heart_rate_bpm\` (beats per minute), \`rr_ms\` (the intervals between heartbeats, in ms, \`;\`-separated), \`sensor_contact\` (1/0), \`energy_kj\` (kilojoules), \`eda_us\` (skin conductance, microsiemens), \`skin_temp_c\` (degrees Celsius), \`device\` (the band), \`event_id\` |
| \`movement.csv\` | movement records: \`velocity\` (m/s), \`acceleration\` (m/s²), \`intensity\` (0..1) |
| \`inferences.csv\` | what the box's models made of your readings: \`model\` (e.g. \`arousal\`), \`value\` (0..1), \`inputs\` (the features it was given) |
| \`detections.csv\` | movements the box recognised (\`pattern\`) and how sure it was (\`confidence\`, 0..1) |
| \`raw/*.csv\` | the raw streams of the bands while you wore them: \`device\`, \`index\` (the sample's number in the band's stream) and one column per channel |
| \`access_log.json\` | who read your biometrics on this box (the console's live vitals, API reads, exports), when and how |
| \`manifest.json\` | the export's time, this box, your id and pseudonym, the rows in each file |

Raw streams:

${raw}

To have this data erased, ask the venue, or do it yourself through the box's API
(\`POST /api/v1/users/{your id}/erasure\`, signed in): the box deletes it and tells the
venue's cloud to delete its copy.
`;
}
