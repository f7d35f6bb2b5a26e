/**
 * Calls to the page's own server with the signed-in user's bearer token. The token lives in
 * sessionStorage (gone when the tab closes); a 401 sends the user back to the login form.
 * Errors carry the server's envelope message, so the page can show what was wrong.
 */
import { takeSseEvents } from './sse.js';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Session {
  token(): string | null;
  setToken(token: string | null): void;
  /** Called on a 401 (the token expired or was revoked). */
  onUnauthorized(fn: () => void): void;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  json<T>(path: string, init?: RequestInit & { body?: BodyInit | null; jsonBody?: unknown }): Promise<T>;
}

export interface SessionOptions {
  /**
   * Gets a fresh access token when the current one is refused (the box's refresh tokens);
   * resolves to it, or to null when the user must sign in again.
   */
  refresh?(): Promise<string | null>;
}

export function session(storageKey: string, options: SessionOptions = {}): Session {
  let unauthorized: () => void = () => undefined;
  const token = (): string | null => sessionStorage.getItem(storageKey);
  // One refresh at a time: refresh tokens are spent on use, and a second use of a spent one
  // would end the whole login (the box treats it as theft).
  let refreshing: Promise<string | null> | undefined;
  const refreshed = (): Promise<string | null> => {
    refreshing ??= (options.refresh?.() ?? Promise.resolve(null))
      .catch(() => null)
      .finally(() => (refreshing = undefined));
    return refreshing;
  };
  const doFetch = async (path: string, init: RequestInit = {}, retried = false): Promise<Response> => {
    const headers = new Headers(init.headers);
    const t = token();
    if (t) headers.set('authorization', `Bearer ${t}`);
    const res = await fetch(path, { ...init, headers });
    // A 401 with a token means it expired or was revoked; without one (signing in) it is the form's to show.
    if (res.status === 401 && t) {
      if (!retried && options.refresh) {
        const fresh = await refreshed();
        if (fresh) {
          sessionStorage.setItem(storageKey, fresh);
          return doFetch(path, init, true);
        }
      }
      sessionStorage.removeItem(storageKey);
      unauthorized();
    }
    return res;
  };
  return {
    token,
    setToken(t) {
      if (t) sessionStorage.setItem(storageKey, t);
      else sessionStorage.removeItem(storageKey);
    },
    onUnauthorized(fn) {
      unauthorized = fn;
    },
    fetch: (path, init) => doFetch(path, init),
    async json<T>(path: string, init: RequestInit & { jsonBody?: unknown } = {}): Promise<T> {
      const { jsonBody, ...rest } = init;
      const req: RequestInit =
        jsonBody === undefined
          ? rest
          : {
              ...rest,
              body: JSON.stringify(jsonBody),
              headers: { ...Object.fromEntries(new Headers(rest.headers)), 'content-type': 'application/json' },
            };
      const res = await doFetch(path, req);
      if (res.status === 204) return undefined as T;
      const text = await res.text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        throw new ApiFailure(
          res.status,
          'bad_response',
          `${res.status}: the server answered something that is not JSON`,
        );
      }
      if (!res.ok) {
        const e = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
        throw new ApiFailure(res.status, e?.code ?? 'error', e?.message ?? `${res.status} ${res.statusText}`);
      }
      return body as T;
    },
  };
}

/**
 * Server-Sent Events read with fetch, so the token goes in a header (EventSource cannot send
 * one). Reconnects with a growing delay until `stop`; `onState` tells the page whether it is live.
 */
export function eventStream(
  s: Session,
  path: () => string,
  on: (event: string, data: unknown) => void,
  onState: (live: boolean, why?: string) => void,
): { stop(): void; restart(): void } {
  let controller: AbortController | undefined;
  let stopped = false;
  let delay = 500;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const connect = async (): Promise<void> => {
    const mine = new AbortController();
    controller = mine;
    try {
      const res = await s.fetch(path(), { signal: mine.signal, headers: { accept: 'text/event-stream' } });
      if (!res.ok || !res.body) {
        const why = await res
          .text()
          .then((t) => (JSON.parse(t) as { error?: { message?: string } }).error?.message)
          .catch(() => undefined);
        throw new Error(why ?? `${res.status}`);
      }
      onState(true);
      delay = 500;
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const taken = takeSseEvents(buffer + value);
        buffer = taken.rest;
        for (const e of taken.events) on(e.event, JSON.parse(e.data));
      }
      onState(false, 'the stream ended; reconnecting');
    } catch (err) {
      if (stopped || mine.signal.aborted) return;
      onState(false, (err as Error).message);
    }
    if (stopped || mine.signal.aborted) return;
    timer = setTimeout(() => void connect(), delay);
    delay = Math.min(10_000, delay * 2);
  };
  void connect();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      controller?.abort();
    },
    restart() {
      clearTimeout(timer);
      controller?.abort();
      delay = 500;
      void connect();
    },
  };
}
