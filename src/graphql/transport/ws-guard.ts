import type { WebSocket, WebSocketServer } from 'ws';

/** A WebSocket close reason may hold at most 123 bytes (RFC 6455, 5.5: control frames carry ≤ 125). */
export const MAX_CLOSE_REASON_BYTES = 123;

/** `reason` cut to MAX_CLOSE_REASON_BYTES of UTF-8, on a character boundary. */
export function closeReason(reason: string): string {
  if (Buffer.byteLength(reason) <= MAX_CLOSE_REASON_BYTES) return reason;
  const bytes = Buffer.from(reason);
  let end = MAX_CLOSE_REASON_BYTES - 3; // room for the 3-byte ellipsis
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--; // not inside a character
  return `${bytes.subarray(0, end).toString('utf8')}…`;
}

/** Messages only a server sends: graphql-ws's server throws on them (close 4500) instead of refusing them. */
const SERVER_ONLY_TYPES = new Set(['connection_ack', 'next', 'error']);

function serverOnlyType(data: unknown): string | null {
  try {
    const message = JSON.parse(String(data)) as { type?: unknown };
    return typeof message?.type === 'string' && SERVER_ONLY_TYPES.has(message.type) ? message.type : null;
  } catch {
    return null; // graphql-ws answers what does not parse with 4400 itself
  }
}

/**
 * Two gaps in graphql-ws's server (v6) that turn client mistakes into internal errors
 * (close 4500), closed here around every socket of `wss`; register before useServer so
 * the guards wrap graphql-ws's own handlers:
 * - some close reasons are built from client input ("Subscriber for <id> already exists")
 *   and ws throws on a reason over 123 bytes: reasons are cut to fit;
 * - a message of a type only servers send (`connection_ack`, `next`, `error`) reaches the
 *   "unexpected message" branch, which throws: such a message is refused with 4400 before
 *   graphql-ws sees it.
 */
export function guardProtocol(wss: WebSocketServer): void {
  wss.on('connection', (socket: WebSocket) => {
    const close = socket.close.bind(socket);
    socket.close = (code?: number, reason?: string | Buffer) => close(code, typeof reason === 'string' ? closeReason(reason) : reason);
    const on = socket.on.bind(socket) as (event: string, listener: (...args: unknown[]) => void) => WebSocket;
    socket.on = ((event: string, listener: (...args: unknown[]) => void) => {
      if (event !== 'message') return on(event, listener);
      return on('message', (data: unknown, isBinary: unknown) => {
        const type = serverOnlyType(data);
        if (type !== null) return socket.close(4400, `Unexpected message of type ${type} from a client`);
        return listener(data, isBinary);
      });
    }) as WebSocket['on'];
  });
}
