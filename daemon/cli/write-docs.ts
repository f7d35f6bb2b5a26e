/** `npm run docs`: writes the documents generated from code. */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { withConfigReference } from '../../config/reference-doc.js';
import { addressSpaceMarkdown } from '../osc/address-space-doc.js';

const root = resolve(import.meta.dirname, '../..');
writeFileSync(resolve(root, 'daemon/osc/ADDRESS-SPACE.md'), addressSpaceMarkdown());
console.log('wrote daemon/osc/ADDRESS-SPACE.md');
const config = resolve(root, 'config/README.md');
writeFileSync(config, withConfigReference(readFileSync(config, 'utf8')));
console.log('wrote the reference in config/README.md');
