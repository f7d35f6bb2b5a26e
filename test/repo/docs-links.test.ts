/**
 * The docs live beside the code and link to each other: every relative link in the
 * project's Markdown must reach a file that exists, and every `#anchor` a heading there.
 */
import { ROOT } from '../helpers/daemon-process.js';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, '')
    .replaceAll(' ', '-');

function anchorsOf(file: string): Set<string> {
  const out = new Set<string>();
  let fenced = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = fenced ? null : /^#{1,6} (.*)$/.exec(line);
    if (m) out.add(slug(m[1]!));
  }
  return out;
}

describe('the docs', () => {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.md'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);

  it('are found', () => {
    expect(files).toEqual(
      expect.arrayContaining(['README.md', 'config/README.md', 'systemd/README.md', 'test/README.md']),
    );
  });

  it('link only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const file of files) {
      let fenced = false;
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .forEach((line, n) => {
          if (line.startsWith('```')) fenced = !fenced;
          if (fenced) return;
          for (const m of line.matchAll(/\]\(([^)\s]+)\)/g)) {
            const url = m[1]!;
            if (/^(https?|mailto):/.test(url)) continue;
            const [path = '', anchor] = url.split('#');
            const target = path === '' ? join(ROOT, file) : resolve(ROOT, dirname(file), path);
            if (!existsSync(target)) {
              broken.push(`${file}:${n + 1}: ${url} (no such file)`);
              continue;
            }
            if (anchor && statSync(target).isFile() && target.endsWith('.md') && !anchorsOf(target).has(anchor))
              broken.push(`${file}:${n + 1}: ${url} (no such heading)`);
          }
        });
    }
    expect(broken).toEqual([]);
  });
});
