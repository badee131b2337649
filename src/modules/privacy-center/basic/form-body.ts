import type { FastifyRequest as Request } from 'fastify';
import { DomainError } from '../../../common/errors/domain.error.js';

const LIMIT = 64 * 1024;

/**
 * An HTML form's body (application/x-www-form-urlencoded), read here rather than by a global parser:
 * only these pages take forms, so no JSON route can be reached by a cross-site form post.
 */
export async function readForm(req: Request): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new DomainError(415, 'unsupported_media_type', 'Unsupported Media Type', 'Send the form as application/x-www-form-urlencoded');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req.raw as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > LIMIT) throw new DomainError(413, 'payload_too_large', 'Payload Too Large', 'The form is larger than 64 KiB');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
