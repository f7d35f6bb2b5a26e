/** `npm run docs`: writes the documents generated from code. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { addressSpaceMarkdown } from '../osc/address-space-doc.js';

const root = resolve(import.meta.dirname, '../..');
writeFileSync(resolve(root, 'daemon/osc/ADDRESS-SPACE.md'), addressSpaceMarkdown());
console.log('wrote daemon/osc/ADDRESS-SPACE.md');
