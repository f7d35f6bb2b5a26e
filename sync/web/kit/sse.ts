/**
 * Server-Sent Events framing, as the console's stream sends it: blocks separated by a blank
 * line, `event: NAME` and one or more `data:` lines (joined by newlines) per block. Pure, so
 * the page and the tests share it and it can be fuzzed.
 */
export interface SseEvent {
  event: string;
  data: string;
}

/** Takes the complete blocks off the front of `buffer`; `rest` is the unfinished tail to keep. */
export function takeSseEvents(buffer: string): { events: SseEvent[]; rest: string } {
  const events: SseEvent[] = [];
  let rest = buffer.replaceAll('\r\n', '\n');
  let cut: number;
  while ((cut = rest.indexOf('\n\n')) >= 0) {
    const block = rest.slice(0, cut);
    rest = rest.slice(cut + 2);
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length) events.push({ event, data: data.join('\n') });
  }
  return { events, rest };
}
