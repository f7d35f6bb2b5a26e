/** The CLI's configuration resolution: the same file the daemon runs with on an installed box. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFor } from '../../../daemon/cli/load-config.js';
import { tempDir } from '../../helpers/daemon-process.js';

describe('configFor', () => {
  const dir = tempDir('codance-cli-config-');
  const installed = join(dir, 'installed.yaml');
  const other = join(dir, 'other.yaml');
  writeFileSync(installed, 'box: { name: club-north }\n');
  writeFileSync(other, 'box: { name: other }\n');

  it('takes --config, else CODANCE_CONFIG, else the installed file, else the defaults', () => {
    expect(configFor(other, { CODANCE_CONFIG: installed }, installed).box.name).toBe('other');
    expect(configFor(undefined, { CODANCE_CONFIG: other }, installed).box.name).toBe('other');
    expect(configFor(undefined, {}, installed).box.name).toBe('club-north');
    expect(configFor(undefined, {}, join(dir, 'missing.yaml')).box.name).toBe(
      configFor(undefined, {}, '/nonexistent').box.name,
    );
  });

  it('applies environment overrides on top of the installed file', () => {
    expect(configFor(undefined, { CODANCE_BOX__NAME: 'from-env' }, installed).box.name).toBe('from-env');
  });
});
