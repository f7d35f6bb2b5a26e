/**
 * Request understanding with an optional language model: when `choreography.llm.url` is set,
 * the request goes to that OpenAI-compatible endpoint, whose answer must be the parameters as
 * JSON (validated here); anything else (unreachable, slow, an error, an answer that does not
 * validate) falls back to the local parser, and `source` says which one answered and why.
 */
import { z } from 'zod';
import { danceStyles } from '../../config/moves.js';
import { levelDifficulty, parseRequest, type ChoreoParams } from '../../models/choreography/request.js';

export interface LlmSettings {
  url?: string | undefined;
  model: string;
  apiKey?: string | undefined;
  timeoutMs: number;
}

export type Understood = ChoreoParams & { source: string };

const answer = z.object({
  level: z.enum(['beginner', 'intermediate', 'advanced']),
  style: z.enum(danceStyles).nullable(),
  energy: z.number().min(0).max(1),
  durationS: z.number().min(10).max(3600).nullable(),
  focus: z.array(z.string().max(40)).max(12),
  exclude: z.array(z.string().max(40)).max(12),
});

const SYSTEM = `You turn a request for a Bachata choreography into JSON with exactly these keys:
level ("beginner"|"intermediate"|"advanced"), style ("dominican"|"sensual"|"moderna"|null),
energy (0..1), durationS (seconds or null for the whole song), focus and exclude (arrays of move
tags from: basic, side, box, turn, spin, cross-body, hammerlock, shadow, sweetheart, dip, body-wave,
footwork, romantic, smooth, playful, styling, travel, ending). Reply with the JSON object only.`;

export async function understand(
  text: string,
  llm: LlmSettings | undefined,
  fetchImpl: typeof fetch = (i, o) => fetch(i, o),
): Promise<Understood> {
  const local = parseRequest(text);
  if (!llm?.url) return { ...local, source: 'local' };
  try {
    const res = await fetchImpl(`${llm.url.replace(/\/$/, '')}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(llm.apiKey && { authorization: `Bearer ${llm.apiKey}` }) },
      body: JSON.stringify({
        model: llm.model,
        temperature: 0,
        response_format: { type: 'json_object' },
        messages: [
          { role: 'system', content: SYSTEM },
          { role: 'user', content: text },
        ],
      }),
      signal: AbortSignal.timeout(llm.timeoutMs),
    });
    if (!res.ok) throw new Error(`the model endpoint answered ${res.status}`);
    const body = (await res.json()) as { choices?: { message?: { content?: string } }[] };
    const content = body.choices?.[0]?.message?.content;
    if (typeof content !== 'string') throw new Error('the model endpoint answered without a message');
    const json = JSON.parse(content.replace(/^```(?:json)?\s*|\s*```$/g, '')) as unknown;
    const a = answer.parse(json);
    const d = levelDifficulty[a.level];
    return {
      level: a.level,
      maxDifficulty: d.max,
      targetDifficulty: d.target,
      style: a.style,
      energy: a.energy,
      durationS: a.durationS,
      focus: a.focus.filter((f) => !a.exclude.includes(f)),
      exclude: a.exclude,
      matched: { llm: [llm.model] },
      source: `llm ${llm.model}`,
    };
  } catch (err) {
    const why =
      err instanceof z.ZodError
        ? `its answer did not validate (${err.issues[0]?.path.join('.') ?? ''}: ${err.issues[0]?.message ?? ''})`
        : (err as Error).name === 'TimeoutError'
          ? `no answer within ${llm.timeoutMs} ms`
          : (err as Error).message;
    return { ...local, source: `local (the model failed: ${why})` };
  }
}
