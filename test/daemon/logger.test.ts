/** The daemon's logger: levels by component, and the syslog priority journald reads. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { prettyFactory } from 'pino-pretty';
import { createLogger, priorityPrefixed } from '../../daemon/logger.js';
import { journalArgs, renderLine } from '../../daemon/cli/logs.js';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  it('lets a component log at its own level, above or below the rest', () => {
    const { lines, stream } = capture();
    const log = createLogger('info', stream, { components: { sync: 'debug', ble: 'warn' } });
    log.child({ component: 'sync' }).debug('sync detail');
    log.child({ component: 'ble' }).info('ble chatter');
    log.child({ component: 'ble' }).warn('ble trouble');
    log.child({ component: 'room' }).debug('room detail');
    log.info('plain');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['sync detail', 'ble trouble', 'plain']);
  });

  it('prefixes each line with its syslog priority for the journal, keeping the line JSON', () => {
    const { lines, stream } = capture();
    const log = createLogger('debug', stream, { journal: true });
    log.error('e');
    log.warn('w');
    log.info('i');
    log.debug('d');
    expect(lines.map((l) => l.slice(0, 3))).toEqual(['<3>', '<4>', '<6>', '<7>']);
    expect((JSON.parse(lines[1]!.slice(3)) as { msg: string }).msg).toBe('w');
    expect(priorityPrefixed('not json')).toBe('<6>not json');
  });
});

describe('codance logs', () => {
  const pretty = prettyFactory({ colorize: false, translateTime: 'UTC:yyyy-mm-dd HH:MM:ss', ignore: 'pid' });
  const line = JSON.stringify({
    level: 40,
    time: '2026-11-30T21:00:00.000Z',
    component: 'sync',
    msg: 'cloud unreachable',
  });

  it('prints a JSON line readably, filters by component, and passes other lines through', () => {
    expect(renderLine(line, { json: false }, pretty)).toBe(
      '[2026-11-30 21:00:00] WARN: cloud unreachable\n    component: "sync"',
    );
    expect(renderLine(`<4>${line}`, { json: true }, pretty)).toBe(line);
    expect(renderLine(line, { component: 'ble', json: false }, pretty)).toBeUndefined();
    expect(renderLine('(node:12) Warning: something', { json: false }, pretty)).toBe('(node:12) Warning: something');
  });

  it('asks journalctl for the unit, plain messages, the follow, time and priority options', () => {
    expect(
      journalArgs({
        unit: 'codance.service',
        follow: true,
        lines: 50,
        since: '1 hour ago',
        priority: 'warning',
        json: false,
      }),
    ).toEqual([
      '-u',
      'codance.service',
      '-o',
      'cat',
      '--no-pager',
      '-n',
      '50',
      '-f',
      '--since',
      '1 hour ago',
      '-p',
      'warning',
    ]);
  });
});
