/** Documents generated from code are never stale: each file equals what `npm run docs` makes now. */
import { ROOT } from '../helpers/daemon-process.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addressSpaceMarkdown } from '../../daemon/osc/address-space-doc.js';
import { IN_ADDRESSES } from '../../daemon/osc/commands.js';

describe('generated docs', () => {
  it('daemon/osc/ADDRESS-SPACE.md is what the code makes (run `npm run docs` after changing a command or a default rule)', () => {
    expect(readFileSync(resolve(ROOT, 'daemon/osc/ADDRESS-SPACE.md'), 'utf8')).toBe(addressSpaceMarkdown());
  });

  it('lists every command and every default rule, each with what it does', () => {
    const text = addressSpaceMarkdown();
    for (const a of IN_ADDRESSES) expect(text).toContain(`| \`${a.path}\` |`);
    expect(text).toContain('| `/codance/dancer/{id}/hr` | f | dancer `hr` |');
    expect(text).not.toMatch(/\| {2}\|\n/); // no rule without a description
  });
});
