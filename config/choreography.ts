/** Choreography's configuration (daemon/choreography/README.md). */
import { z } from 'zod';

export const choreographySchema = z
  .strictObject({
    llm: z
      .strictObject({
        url: z
          .url({ protocol: /^https?$/ })
          .optional()
          .describe('Base URL; `/chat/completions` is appended (e.g. http://127.0.0.1:11434/v1).'),
        model: z.string().min(1).max(200).default('gpt-4o-mini').describe('The model name sent to the endpoint.'),
        apiKey: z
          .string()
          .min(1)
          .max(500)
          .optional()
          .describe('Secret: sent as a bearer token, never printed or logged.'),
        timeoutMs: z
          .number()
          .int()
          .min(100)
          .max(120_000)
          .default(8000)
          .describe('A request the endpoint has not answered by then falls back to the local parser.'),
      })
      .prefault({})
      .describe(
        'An OpenAI-compatible chat endpoint for understanding requests (e.g. a local llama.cpp or Ollama server, or a cloud one). Unset: the local parser alone (no network). Whatever it answers is validated, and any failure falls back to the local parser.',
      ),
  })
  .prefault({});
