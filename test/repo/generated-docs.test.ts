/** Documents generated from code are never stale: each file equals what `npm run docs` makes now. */
import { ROOT } from '../helpers/daemon-process.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addressSpaceMarkdown } from '../../daemon/osc/address-space-doc.js';
import { IN_ADDRESSES } from '../../daemon/osc/commands.js';
import { configReference, withConfigReference } from '../../config/reference-doc.js';

describe('generated docs', () => {
  it('daemon/osc/ADDRESS-SPACE.md is what the code makes (run `npm run docs` after changing a command or a default rule)', () => {
    expect(readFileSync(resolve(ROOT, 'daemon/osc/ADDRESS-SPACE.md'), 'utf8')).toBe(addressSpaceMarkdown());
  });

  it('lists every command and every default rule, each with what it does', () => {
    const text = addressSpaceMarkdown();
    for (const a of IN_ADDRESSES) expect(text).toContain(`| \`${a.path}\` |`);
    expect(text).toContain('| `/codance/dancer/{slot}/hr` | f | 0..1 |');
    expect(text).not.toMatch(/\| {2}\|\n/); // no rule without a description
  });

  it('config/README.md carries the reference the schema makes (run `npm run docs` after changing the schema)', () => {
    const readme = readFileSync(resolve(ROOT, 'config/README.md'), 'utf8');
    expect(readme).toBe(withConfigReference(readme));
  });

  it('gives every configuration key a type, a default or unset, and a meaning', () => {
    const rows = configReference();
    expect(rows.length).toBeGreaterThan(150);
    expect(rows.filter((r) => !r.meaning).map((r) => r.key)).toEqual([]);
    expect(rows.find((r) => r.key === 'http.port')).toMatchObject({ type: 'integer 1–65535', default: '`8080`' });
    expect(rows.find((r) => r.key === 'osc.in.commandSecret')?.default).toBe('unset');
  });
});
