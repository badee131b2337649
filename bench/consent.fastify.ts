/**
 * The second baseline of bench:consent: a minimal Fastify 5 server doing what Lethe's two hot routes
 * do at the database (the same INSERT statement, the same SELECT), with a JSON-schema body check and
 * a bearer token compare, and nothing else. Runs as its own process; prints `{"url": …}` when ready.
 */
import Fastify from 'fastify';
import pg from 'pg';
import { APPEND_ONE, appendOneParams } from '../src/modules/consent/consent.repository.js';
import { ConsentBody, CURRENT_STATES, preparedEvent, subjectRef } from './consent.fixtures.js';

const [databaseUrl, token, pool] = [process.argv[2]!, process.argv[3]!, Number(process.argv[4] ?? 20)];
// Idle connections close quickly, so this arm's pool does not crowd the next arm out of max_connections.
const db = new pg.Pool({ connectionString: databaseUrl, max: pool, idleTimeoutMillis: 500 });
const app = Fastify({ logger: false });
const text = { type: 'string', minLength: 1, maxLength: 200 };

app.addHook('onRequest', async (request, reply) => {
  if (request.headers.authorization !== `Bearer ${token}`) return reply.code(401).send({ title: 'Unauthorized' });
});

app.post<{ Body: ConsentBody }>(
  '/v1/consent-events',
  {
    schema: {
      body: {
        type: 'object',
        required: ['subjectId', 'purpose', 'action', 'noticeVersion', 'occurredAt', 'method', 'sourceSystem'],
        additionalProperties: false,
        properties: {
          subjectId: text, purpose: text, action: { enum: ['granted', 'withdrawn'] }, noticeVersion: text,
          occurredAt: { type: 'string', format: 'date-time' }, method: text, sourceSystem: text,
          proof: { type: 'object', additionalProperties: false, properties: { ipAddress: text, userAgent: text, locale: text, jurisdiction: text } },
        },
      },
    },
  },
  async (request, reply) => {
    const event = preparedEvent(request.body);
    const { rows } = await db.query<{ seq: number; hash: string }>(APPEND_ONE, appendOneParams(event));
    return reply.code(201).send({ id: event.id, subjectId: event.subjectId, seq: rows[0]!.seq, hash: rows[0]!.hash });
  },
);

app.get<{ Params: { subjectId: string } }>('/v1/subjects/:subjectId/consents', async (request) => {
  const { rows } = await db.query(CURRENT_STATES, [subjectRef(request.params.subjectId)]);
  return { subjectId: request.params.subjectId, purposes: rows };
});

const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ url })}\n`);
process.on('SIGTERM', () => void app.close().then(() => db.end()).then(() => process.exit(0)));
