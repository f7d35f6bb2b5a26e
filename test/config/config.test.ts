import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, formatProblem, loadConfig, redact, REDACTED } from '../../config/index.js';
import { ROOT, tempDir } from '../helpers/daemon-process.js';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map(formatProblem);
    throw err;
  }
  throw new Error('expected a ConfigError');
}

function yamlFile(text: string): string {
  const file = join(tempDir(), 'codance.yaml');
  writeFileSync(file, text);
  return file;
}

describe('configuration', () => {
  it('has the documented embedded defaults', () => {
    const c = loadConfig();
    expect(c.http).toEqual({
      host: '127.0.0.1',
      trusted: [],
      port: 8080,
      maxBodyBytes: 1024 * 1024,
      maxSampleBytes: 20 * 1024 * 1024,
      maxSongBytes: 100 * 1024 * 1024,
    });
    expect(c.auth).toMatchObject({ accessTokenTtlS: 900, loginFailuresPerUser: 5, openRegistration: true });
    expect(c.store.path).toBe('./var/codance.db');
    expect(c.simulation.dancers).toBe(0);
    expect(c.osc.targets).toMatchObject([{ name: 'desk', host: '127.0.0.1', port: 9000, transport: 'udp' }]);
  });

  it('ships a default.yaml equal to the embedded defaults, and a 24-dancer demo', () => {
    expect(loadConfig({ file: join(ROOT, 'config/default.yaml') })).toEqual(loadConfig());
    expect(loadConfig({ file: join(ROOT, 'config/demo.yaml') }).simulation.dancers).toBe(24);
    const venue = loadConfig({ file: join(ROOT, 'config/examples/venue.yaml') });
    expect(venue.store.path).toBe('/var/lib/codance/codance.db');
    // The production example serves HTTP behind the TLS proxy and takes OSC from its desks only.
    expect(venue.http.host).toBe('127.0.0.1');
    expect(venue.auth.openRegistration).toBe(false);
    expect(venue.osc.in.allow).toEqual(['192.0.2.10', '192.0.2.11']);
  });

  it('applies CODANCE_<PATH> overrides with __ between segments, camel-casing snake segments', () => {
    const c = loadConfig({
      env: {
        CODANCE_HTTP__PORT: '8081',
        CODANCE_STORE__BATCH_MS: '20',
        CODANCE_SIMULATION__DANCERS: '3',
        CODANCE_OSC__TARGETS__0__PORT: '9100',
        CODANCE_CONFIG: 'ignored.yaml',
      },
    });
    expect(c.http.port).toBe(8081);
    expect(c.store.batchMs).toBe(20);
    expect(c.simulation.dancers).toBe(3);
    expect(c.osc.targets[0]).toMatchObject({ name: 'desk', host: '127.0.0.1', port: 9100 });
  });

  it('lets the environment win over the file', () => {
    const file = yamlFile('http:\n  port: 9999\n');
    expect(loadConfig({ file, env: { CODANCE_HTTP__PORT: '8082' } }).http.port).toBe(8082);
  });

  it('takes a digits-only env value literally where the schema wants a string', () => {
    const c = loadConfig({ env: { CODANCE_AUTH__JWT_SECRET: '12345678901234567890123456789012345' } });
    expect(c.auth.jwtSecret).toBe('12345678901234567890123456789012345');
  });

  it('refuses a bad file value naming the exact path and the line', () => {
    const file = yamlFile(
      'http:\n  host: 127.0.0.1\n  port: 70000\nosc:\n  targets:\n    - { name: a, host: h, port: 1 }\n    - { name: b, host: h, port: "x" }\n',
    );
    const problems = problemsOf(() => loadConfig({ file }));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^http\.port: .*65535.*\(codance\.yaml line 3\)$/);
    expect(problems[1]).toMatch(/^osc\.targets\[1\]\.port: .*expected number.*line 7\)$/);
  });

  it('refuses rules naming an OSC target, a fixture or a slot group that does not exist', () => {
    const file = yamlFile(
      [
        'osc:',
        '  targets: [{ name: desk, host: 127.0.0.1, port: 9000 }]',
        'mapping:',
        '  groups: { front: "1-4" }',
        '  rules:',
        '    - { id: a, source: { kind: crowd, metric: energy }, target: { kind: osc, targets: [lights], address: /a } }',
        '    - { id: b, source: { kind: dancer, signal: hr, dancers: back }, target: { kind: fixture, fixture: pars, attribute: dimmer } }',
        '    - { id: c, source: { kind: dancer, signal: hr, dancers: front }, target: { kind: osc, targets: [desk], address: "/c/{slot}" } }',
        '',
      ].join('\n'),
    );
    expect(problemsOf(() => loadConfig({ file })).map((p) => p.replace(/ \(codance\.yaml.*$/, ''))).toEqual([
      'mapping.rules[0].target.targets: no osc target named "lights"',
      'mapping.rules[1].target.fixture: no fixture named "pars" in dmx.fixtures',
      'mapping.rules[1].source.dancers: no slot group "back" in mapping.groups',
    ]);
  });

  it('refuses unknown keys, YAML syntax errors, a missing file and a non-mapping', () => {
    expect(problemsOf(() => loadConfig({ file: yamlFile('http:\n  prot: 1\n') }))).toEqual([
      'http.prot: unknown key (codance.yaml line 2)',
    ]);
    expect(problemsOf(() => loadConfig({ file: yamlFile('http:\n  port: [1\n') }))[0]).toMatch(
      /^\(root\): YAML syntax: .*line \d+:\d+\)$/,
    );
    expect(problemsOf(() => loadConfig({ file: '/nonexistent/codance.yaml' }))[0]).toMatch(
      /cannot read \/nonexistent\/codance\.yaml \(ENOENT\)/,
    );
    expect(problemsOf(() => loadConfig({ file: yamlFile('- a\n- b\n') }))[0]).toMatch(/expected a mapping/);
  });

  it('refuses a bad environment override naming the path and the variable', () => {
    expect(problemsOf(() => loadConfig({ env: { CODANCE_HTTP__PORT: 'eighty' } }))).toEqual([
      'http.port: Invalid input: expected number, received string (env CODANCE_HTTP__PORT)',
    ]);
    expect(problemsOf(() => loadConfig({ env: { CODANCE_HTTP__PROT: '1' } }))).toEqual([
      'http.prot: unknown key (env CODANCE_HTTP__PROT)',
    ]);
    expect(problemsOf(() => loadConfig({ env: { CODANCE_HTTP__PORT__X: '1' } }))[0]).toMatch(
      /^http\.port: is a number, cannot set a key inside it \(env CODANCE_HTTP__PORT__X\)$/,
    );
    expect(problemsOf(() => loadConfig({ env: { CODANCE_STORE____PATH: 'x' } }))[0]).toMatch(/malformed variable name/);
  });

  it('refuses duplicate OSC target names', () => {
    const file = yamlFile(
      'osc:\n  targets:\n    - { name: a, host: h, port: 1 }\n    - { name: a, host: h, port: 2 }\n',
    );
    expect(problemsOf(() => loadConfig({ file }))[0]).toMatch(/^osc\.targets\[1\]\.name: duplicate target name "a"/);
  });

  it('reads BLE radios, defaulting to one socket radio, and refuses clashing ones naming the entry', () => {
    expect(loadConfig().ble.adapters).toEqual([]);
    const ok = loadConfig({
      env: { CODANCE_BLE__ADAPTERS: '[{name: a, transport: uart, path: /dev/ttyACM0}, {name: b, transport: socket}]' },
    });
    expect(ok.ble.adapters).toEqual([
      { name: 'a', transport: 'uart', path: '/dev/ttyACM0', baudRate: 1_000_000 },
      { name: 'b', transport: 'socket', device: 0 },
    ]);
    const file = yamlFile(
      'ble:\n  adapters:\n    - {name: a, transport: uart, path: /dev/ttyACM0}\n    - {name: a, transport: uart, path: /dev/ttyACM0}\n',
    );
    expect(problemsOf(() => loadConfig({ file }))).toEqual([
      'ble.adapters[1].name: duplicate radio name "a" (codance.yaml line 4)',
      'ble.adapters[1].path: /dev/ttyACM0 is already used by another radio (codance.yaml line 4)',
    ]);
    expect(
      problemsOf(() => loadConfig({ file: yamlFile('ble:\n  adapters:\n    - {name: c, transport: usb}\n') })),
    ).toEqual([
      "ble.adapters[0].transport: Invalid discriminator value. Expected 'socket' | 'uart' (codance.yaml line 3)",
    ]);
  });

  it('redacts secrets wherever configuration is printed', () => {
    const c = loadConfig({ env: { CODANCE_AUTH__JWT_SECRET: 'x'.repeat(40) } });
    const shown = redact(c);
    expect(shown.auth.jwtSecret).toBe(REDACTED);
    expect(JSON.stringify(shown)).not.toContain('x'.repeat(40));
    expect(shown.http).toEqual(c.http);
    // Numbers under secret-sounding names are settings, shown as they are.
    expect(shown.auth.accessTokenTtlS).toBe(900);
    expect(shown.auth.refreshTokenTtlS).toBe(1209600);
    const withOsc = redact(loadConfig({ env: { CODANCE_OSC__IN__COMMAND_SECRET: 'osc-signing-secret-1' } }));
    expect(withOsc.osc.in.commandSecret).toBe(REDACTED);
  });

  it('refuses an allow list entry that is not an address or CIDR, naming it', () => {
    expect(() => loadConfig({ env: { CODANCE_OSC__IN__ALLOW: '[10.0.0.0/33, desk.local]' } })).toThrow(
      /osc\.in\.allow\[0\]: must be an IP address or a CIDR network such as 10\.0\.0\.0\/24 \(env CODANCE_OSC__IN__ALLOW\)\nosc\.in\.allow\[1\]: must be/,
    );
    expect(
      loadConfig({ env: { CODANCE_OSC__IN__ALLOW: '[10.0.0.0/24, 192.0.2.7, "fd00::/8"]' } }).osc.in.allow,
    ).toEqual(['10.0.0.0/24', '192.0.2.7', 'fd00::/8']);
  });

  it('never fails with anything but a ConfigError, whatever the environment holds (fuzz)', () => {
    const segment = fc.constantFrom(
      'HTTP',
      'PORT',
      'HOST',
      'STORE',
      'PATH',
      'OSC',
      'TARGETS',
      '0',
      '1',
      'X',
      'BATCH_MS',
      'SIMULATION',
      'DANCERS',
      '',
    );
    const name = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => `CODANCE_${s.join('__')}`);
    fc.assert(
      fc.property(fc.dictionary(name, fc.string({ maxLength: 30 }), { maxKeys: 4 }), (env) => {
        try {
          loadConfig({ env });
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          for (const p of (err as ConfigError).problems) expect(p.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never fails with anything but a ConfigError, whatever the file holds (fuzz)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          const file = yamlFile(text);
          try {
            loadConfig({ file });
          } catch (err) {
            expect(err).toBeInstanceOf(ConfigError);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
