/** Choreography's configuration (daemon/choreography/README.md). */
import { z } from 'zod';

export const choreographySchema = z
  .strictObject({
    /**
     * An OpenAI-compatible chat endpoint for understanding requests (e.g. a local llama.cpp or
     * Ollama server, or a cloud one). Unset: the local parser alone (no network). Whatever it
     * answers is validated, and any failure falls back to the local parser.
     */
    llm: z
      .strictObject({
        /** Base URL; `/chat/completions` is appended (e.g. http://127.0.0.1:11434/v1). */
        url: z.url({ protocol: /^https?$/ }).optional(),
        model: z.string().min(1).max(200).default('gpt-4o-mini'),
        /** Secret: sent as a bearer token, never printed or logged. */
        apiKey: z.string().min(1).max(500).optional(),
        timeoutMs: z.number().int().min(100).max(120_000).default(8000),
      })
      .prefault({}),
  })
  .prefault({});
