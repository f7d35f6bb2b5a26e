// The loaded bench's daemon process (loaded.ts starts it with the unit's V8 flags): runs both
// phases and prints their figures as JSON.
import { loadedFigures } from './loaded.js';

const figures = await loadedFigures(Number(process.argv[2] ?? 20));
process.stdout.write(`${JSON.stringify(figures)}\n`);
process.exit(0);
