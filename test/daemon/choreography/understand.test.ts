/**
 * Request understanding with an OpenAI-compatible endpoint configured: a real HTTP server on
 * loopback stands in for the model server (none can run here). Its answer is used when it
 * validates; an error, a timeout or an answer that does not validate falls back to the local
 * parser, saying why.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { understand } from '../../../daemon/choreography/understand.js';

let server: Server;
let url: string;
let reply: (
  body: { messages: { role: string; content: string }[] },
  req: IncomingMessage,
) => { status: number; content?: string; delayMs?: number };
const seen: { auth?: string; model?: string; user?: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      const body = JSON.parse(text) as { model: string; messages: { role: string; content: string }[] };
      seen.push({
        auth: req.headers.authorization,
        model: body.model,
        user: body.messages.find((m) => m.role === 'user')?.content,
      });
      const r = reply(body, req);
      setTimeout(() => {
        res.writeHead(r.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: r.content ?? '' } }] }));
      }, r.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const llm = () => ({ url, model: 'local-llama', apiKey: 'sk-test-key', timeoutMs: 500 });

describe('request understanding with a model endpoint', () => {
  it("uses the model's answer when it validates, sending the model, the request and the key", async () => {
    reply = () => ({
      status: 200,
      content:
        '```json\n{"level":"intermediate","style":"sensual","energy":0.35,"durationS":150,"focus":["body-wave","romantic"],"exclude":["spin"]}\n```',
    });
    const p = await understand('something dreamy for our first dance, not too hard', llm());
    expect(p).toMatchObject({
      source: 'llm local-llama',
      level: 'intermediate',
      maxDifficulty: 3,
      style: 'sensual',
      energy: 0.35,
      durationS: 150,
      focus: ['body-wave', 'romantic'],
      exclude: ['spin'],
    });
    expect(seen[seen.length - 1]).toEqual({
      auth: 'Bearer sk-test-key',
      model: 'local-llama',
      user: 'something dreamy for our first dance, not too hard',
    });
  });

  it('falls back to the local parser on an error, a timeout, or an answer that does not validate, saying why', async () => {
    const text = 'romantic beginner routine, slow';
    reply = () => ({ status: 500 });
    expect(await understand(text, llm())).toMatchObject({
      level: 'beginner',
      energy: 0.3,
      focus: ['romantic'],
      source: 'local (the model failed: the model endpoint answered 500)',
    });
    reply = () => ({ status: 200, content: '{"level":"expert"}' });
    expect((await understand(text, llm())).source).toMatch(
      /^local \(the model failed: its answer did not validate \(level: /,
    );
    reply = () => ({ status: 200, content: 'I would suggest a lovely routine!' });
    expect((await understand(text, llm())).source).toMatch(/^local \(the model failed: /);
    reply = () => ({ status: 200, content: '{}', delayMs: 2000 });
    expect((await understand(text, llm())).source).toBe('local (the model failed: no answer within 500 ms)');
    expect((await understand(text, { ...llm(), url: 'http://127.0.0.1:1/v1' })).source).toMatch(
      /^local \(the model failed: /,
    );
  });

  it('needs no network when no endpoint is configured', async () => {
    const before = seen.length;
    expect((await understand('advanced moderna', undefined)).source).toBe('local');
    expect((await understand('advanced moderna', { model: 'x', timeoutMs: 100 })).source).toBe('local');
    expect(seen.length).toBe(before);
  });
});
