/**
 * OSCQuery's LISTEN extension: a desk opens a WebSocket on the OSCQuery port and sends
 * `{"COMMAND":"LISTEN","DATA":"/codance/crowd/energy"}`; from then on every value the box
 * sends to that address also arrives on the socket as a binary OSC message, until
 * `{"COMMAND":"IGNORE","DATA":...}` or the socket closes. Readers are the same as OSCQuery's
 * (loopback and `osc.in.allow`). A slow reader loses values rather than growing a queue.
 */
import type { Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AllowList } from '../../drivers/net/allow-list.js';
import { encodeMessage, type OutArg } from '../../drivers/osc/encode.js';

export interface ValueFeed {
  onValue(listener: (address: string, type: string, value: number | boolean | null) => void): () => void;
}

/** Bytes a socket may have waiting before values to it are dropped. */
const MAX_BUFFERED = 1 << 20;
/** Addresses one socket may listen to. */
const MAX_LISTENS = 4096;

function argOf(type: string, value: number | boolean | null): OutArg | undefined {
  if (value === null) return undefined;
  if (type === 'i') return { type: 'i', value: Math.round(Number(value)) };
  if (type === 'T' || type === 'F') return { type: value === true || value === 1 ? 'T' : 'F' };
  if (type === 'f') return { type: 'f', value: Number(value) };
  return undefined;
}

export function attachListen(server: Server, feed: ValueFeed, allow: AllowList): { close(): Promise<void> } {
  const wss = new WebSocketServer({ server, maxPayload: 64 * 1024 });
  wss.on('connection', (ws: WebSocket, req) => {
    const peer = req.socket.remoteAddress ?? 'unknown';
    if (!allow(peer)) {
      ws.close(1008, `${peer} is not in osc.in.allow`);
      return;
    }
    const listening = new Set<string>();
    const off = feed.onValue((address, type, value) => {
      if (!listening.has(address) || ws.bufferedAmount > MAX_BUFFERED) return;
      const arg = argOf(type, value);
      if (arg) ws.send(encodeMessage({ address, args: [arg] }), { binary: true });
    });
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) return;
      let command: { COMMAND?: unknown; DATA?: unknown };
      try {
        command = JSON.parse(data.toString('utf8')) as typeof command;
      } catch {
        return;
      }
      if (typeof command.DATA !== 'string' || !command.DATA.startsWith('/')) return;
      if (command.COMMAND === 'LISTEN' && listening.size < MAX_LISTENS) listening.add(command.DATA);
      else if (command.COMMAND === 'IGNORE') listening.delete(command.DATA);
    });
    ws.on('close', off);
    ws.on('error', off);
  });
  return {
    close: () =>
      new Promise<void>((res) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => res());
      }),
  };
}
