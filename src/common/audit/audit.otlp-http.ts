import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface OtlpAnswer {
  status: number;
  retryAfter: string | undefined;
  /** The first 64 KiB of the body (an ExportLogsServiceResponse or a Status): enough for partialSuccess. */
  body: string;
}

export interface OtlpPostOptions {
  url: string;
  body: string;
  headers: Readonly<Record<string, string>>;
  /** PEM certificates to trust instead of Node's bundled CAs (https only). */
  ca: string | undefined;
  timeoutMs: number;
  /** Aborts the call (shutdown): the promise rejects. */
  signal: AbortSignal;
}

const MAX_ANSWER = 64 * 1024;

/**
 * One OTLP/HTTP JSON POST. node:http rather than fetch, for a CA of the operator's own without an
 * extra dependency. Redirects are not followed (the headers may carry a token); a 3xx is an answer
 * like any other. Rejects on a network error, on the timeout (the whole call) and on abort.
 */
export function otlpPost(options: OtlpPostOptions): Promise<OtlpAnswer> {
  const url = new URL(options.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => req.destroy(Object.assign(new Error(`no answer within ${options.timeoutMs} ms`), { name: 'TimeoutError' })), options.timeoutMs);
    const onAbort = () => req.destroy(Object.assign(new Error('export stopped'), { name: 'AbortError' }));
    const settle = () => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
    };
    const req = send(
      url,
      {
        method: 'POST',
        ...(url.protocol === 'https:' && options.ca !== undefined ? { ca: options.ca } : {}),
        headers: {
          ...options.headers,
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(options.body),
          'User-Agent': 'Lethe-Audit-Export/1',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_ANSWER) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => {
          settle();
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
            body: Buffer.concat(chunks).subarray(0, MAX_ANSWER).toString('utf8'),
          });
        });
        res.on('error', (error) => {
          settle();
          reject(error);
        });
      },
    );
    req.on('error', (error) => {
      settle();
      reject(error);
    });
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener('abort', onAbort, { once: true });
    req.end(options.body);
  });
}
