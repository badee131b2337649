import type { FastifyRequest as Request } from 'fastify';
import { DrpError } from './drp.errors.js';

/** Signed messages are base64 text: a body past this cannot be a DRP request. */
const LIMIT = 256 * 1024;

/**
 * The signed message, read here rather than by a global parser (DRP §2.0: `text/plain`; the
 * reference agent sends its DELETE without a content type). A JSON body was already read by the
 * JSON parser, and is no signed message.
 */
export async function readSignedBody(req: Request): Promise<string> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== '' && type !== 'text/plain' && type !== 'application/octet-stream') {
    throw new DrpError({ status: 415, message: 'Send the signed message as text/plain' });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req.raw as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > LIMIT) throw new DrpError({ status: 413, message: 'The body is larger than a signed DRP message can be (256 KiB)' });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('latin1');
}
