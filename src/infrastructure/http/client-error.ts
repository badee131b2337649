import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { REFUSAL_HEADERS } from './security-headers.js';

/** Node's limit on the request line plus headers (16 KiB unless started with --max-http-header-size). */
export const HEADER_LIMIT_NOTE = 'The request line and headers together must stay under 16 KiB: send long filters in fewer, shorter parameters';

interface ClientError extends Error {
  code?: string;
}

/** The answer for a request Node refused to parse, before Fastify or Nest ever saw it. */
export function clientErrorResponse(error: ClientError): { status: number; body: Record<string, unknown> } | undefined {
  const instance = `urn:lethe:request:${randomUUID()}`;
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        body: { type: 'urn:lethe:problem:request_header_fields_too_large', title: 'Request Header Fields Too Large', status: 431, detail: HEADER_LIMIT_NOTE, instance },
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, body: { type: 'urn:lethe:problem:request_timeout', title: 'Request Timeout', status: 408, detail: 'The request took too long to arrive', instance } };
    case 'ECONNRESET':
      return undefined;
    default:
      return { status: 400, body: { type: 'urn:lethe:problem:bad_request', title: 'Bad Request', status: 400, detail: 'The request is not valid HTTP', instance } };
  }
}

/**
 * Node answers a request it cannot parse (a ~100k query string overflowing the header limit, say)
 * with an empty 431 or 400, or just resets the connection. This writes problem+json instead, then
 * half-closes and reads what the client is still sending, so it gets to read the answer rather
 * than a reset. Fastify's `clientErrorHandler`.
 */
export function answerClientError(error: ClientError, socket: Duplex): void {
  const answer = clientErrorResponse(error);
  if (!answer || !socket.writable || (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(answer.body);
  socket.end(
    `HTTP/1.1 ${answer.status} ${String(answer.body.title)}\r\n` +
      'Content-Type: application/problem+json\r\n' +
      Object.entries(REFUSAL_HEADERS)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('') +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
  socket.on('error', () => socket.destroy());
  socket.resume();
  setTimeout(() => socket.destroy(), 5_000).unref();
}
