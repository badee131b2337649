/**
 * A minimal Data Rights Protocol agent, to try Lethe's DRP endpoints (or any Covered Business's)
 * from a shell: makes a key pair, pairs, files, follows and revokes requests. Its messages have the
 * reference agent's form (PyNaCl combined mode: the signature then the JSON, base64, text/plain;
 * the JSON itself is JavaScript's, not Python's json.dumps spelling, which a verifier never needs),
 * and its key file is the reference agent's keys.json: `{ "signing_key": <base64 seed>, "verify_key": <base64> }`.
 *
 *   node dist/src/tools/drp-agent.js keygen --out agent-keys.json     (written readable by you only)
 *   node dist/src/tools/drp-agent.js verify-key            the key to list in LETHE_DRP_AGENTS
 *   node dist/src/tools/drp-agent.js pair                  prints the pair-wise token
 *   node dist/src/tools/drp-agent.js exercise <right> --email <email> [--verified] [--name <name>] [--callback <url>] [--field <name>]
 *   node dist/src/tools/drp-agent.js status <request_id> [--field <name>]
 *   node dist/src/tools/drp-agent.js revoke <request_id> [--reason <text>]
 *
 * Settings from the environment: DRP_URL (default http://localhost:3000), DRP_AGENT_ID,
 * DRP_BUSINESS_ID, DRP_KEY_FILE (default agent-keys.json), DRP_TOKEN (from `pair`).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { option, Usage } from './cli.js';
import { configSource } from '../config/from-environment.js';

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');


function env(name: string, fallback?: string): string {
  const value = configSource()[name] ?? fallback;
  if (value === undefined || value === '') throw new Usage(`set ${name}`);
  return value;
}

function signingKey(): KeyObject {
  const file = env('DRP_KEY_FILE', 'agent-keys.json');
  const keys = JSON.parse(readFileSync(file, 'utf8')) as { signing_key?: string };
  const seed = Buffer.from(keys.signing_key ?? '', 'base64');
  if (seed.length !== 32) throw new Usage(`${file} holds no signing_key (32 bytes, base64)`);
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

function rawPublic(key: KeyObject): Buffer {
  return Buffer.from(createPublicKey(key).export({ format: 'jwk' }).x!, 'base64url');
}

function signed(message: Record<string, unknown>): string {
  const text = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([sign(null, text, signingKey()), text]).toString('base64');
}

function envelope(): Record<string, unknown> {
  const now = Date.now();
  return {
    'agent-id': env('DRP_AGENT_ID'),
    'business-id': env('DRP_BUSINESS_ID'),
    'issued-at': new Date(now).toISOString(),
    'expires-at': new Date(now + 10 * 60_000).toISOString(),
    'drp.version': '1.0',
  };
}

async function call(method: string, path: string, body?: string, token = true): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${env('DRP_TOKEN')}`;
  if (body !== undefined) headers['content-type'] = 'text/plain';
  const response = await fetch(`${env('DRP_URL', 'http://localhost:3000').replace(/\/$/, '')}${path}`, { method, headers, body });
  const text = await response.text();
  const json = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}${text ? `: ${text}` : ' (no body)'}`);
  return json;
}

function print(answer: Record<string, unknown>, field: string | undefined): void {
  if (field === undefined) return void process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
  if (answer[field] === undefined) throw new Error(`the answer has no ${field}: ${JSON.stringify(answer)}`);
  process.stdout.write(`${String(answer[field])}\n`);
}

async function main(args: string[]): Promise<void> {
  const [command, subject] = args;
  switch (command) {
    case 'keygen': {
      const { privateKey } = generateKeyPairSync('ed25519');
      const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
      const keys = { signing_key: seed.toString('base64'), verify_key: rawPublic(privateKey).toString('base64') };
      const out = option(args, 'out');
      if (out === undefined) return print(keys, undefined);
      // The signing key is the agent's secret: the file is the owner's alone, and never overwritten.
      writeFileSync(out, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      return print(keys, 'verify_key');
    }
    case 'verify-key':
      return print({ verify_key: rawPublic(signingKey()).toString('base64') }, 'verify_key');
    case 'pair':
      return print(await call('POST', `/v1/agent/${encodeURIComponent(env('DRP_AGENT_ID'))}`, signed(envelope()), false), 'token');
    case 'exercise': {
      if (!subject) throw new Usage('exercise needs a right: access, deletion, sale:opt-out…');
      const claims: Record<string, unknown> = { ...envelope(), exercise: subject, regime: 'ccpa', relationships: [] };
      const email = option(args, 'email');
      if (email) claims.email = email;
      claims.email_verified = args.includes('--verified');
      const name = option(args, 'name');
      if (name) claims.name = name;
      const callback = option(args, 'callback');
      if (callback) claims.status_callback = callback;
      return print(await call('POST', '/v1/data-rights-request', signed(claims)), option(args, 'field'));
    }
    case 'status':
      if (!subject) throw new Usage('status needs a request_id');
      return print(await call('GET', `/v1/data-rights-request/${encodeURIComponent(subject)}`), option(args, 'field'));
    case 'revoke': {
      if (!subject) throw new Usage('revoke needs a request_id');
      const reason = option(args, 'reason');
      return print(await call('DELETE', `/v1/data-rights-request/${encodeURIComponent(subject)}`, signed(reason ? { reason } : {})), option(args, 'field'));
    }
    default:
      throw new Usage('commands: keygen, verify-key, pair, exercise <right>, status <request_id>, revoke <request_id>');
  }
}

main(process.argv.slice(2)).catch((error: Error) => {
  process.stderr.write(`drp-agent: ${error instanceof Usage ? `usage: ${error.message}` : error.message}\n`);
  process.exit(error instanceof Usage ? 2 : 1);
});
