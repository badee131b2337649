import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearer, bootApp, createKey, type TestApp } from '../factories/app.js';
import { ensureBuilt } from '../factories/build.js';
import { RUN_BY_DRP_SPEC, shellBlocks } from '../factories/readme.js';

const ROOT = process.cwd();

function bash(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', `set -euo pipefail\n${script}`], { cwd, env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * The README's DRP walkthrough, run as a user runs it: the shipped agent (dist/src/tools/drp-agent.js)
 * makes its keys, Lethe starts with that agent listed (the settings of the README's start block), and
 * the agent pairs, files, follows and revokes. readme.spec.ts leaves these blocks to this suite.
 */
describe('README: authorized agents (DRP) with the shipped agent', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Authorized agents (DRP)'), readme.indexOf('\n## ', readme.indexOf('## Authorized agents (DRP)') + 1));
  const blocks = shellBlocks(section);
  const run = blocks.filter((b) => b.notRun?.startsWith('run by') && RUN_BY_DRP_SPEC.test(b.notRun));
  const start = blocks.find((b) => b.code.includes('npm start'));
  const work = mkdtempSync(join(tmpdir(), 'lethe-drp-cli-'));
  const cli = (block: string) => block.replaceAll('node dist/', `node ${ROOT}/dist/`);
  let t: TestApp | undefined;

  beforeAll(() => ensureBuilt());
  afterAll(() => t?.close());

  it('has the blocks this suite runs: keys, then the agent’s session; and the start block’s settings', () => {
    expect(run.map((b) => b.code.split('\n')[0])).toEqual(['node dist/src/tools/drp-agent.js keygen --out agent-keys.json', 'export DRP_AGENT_ID=TEST_AGENT_001 DRP_BUSINESS_ID=ACME_001']);
    expect(start?.code).toContain('LETHE_DRP_BUSINESS_ID=ACME_001');
    expect(start?.code).toContain('"id\\": \\"TEST_AGENT_001\\"');
    expect(start?.code).toContain('"trustVerifiedEmail\\": true');
  });

  it('makes the keys, and the printed verify key is the one in the key file', async () => {
    const keys = await bash(cli(run[0]!.code), work, {});
    expect(keys.code).toBe(0);
    const file = JSON.parse(readFileSync(join(work, 'agent-keys.json'), 'utf8')) as { signing_key: string; verify_key: string };
    expect(Buffer.from(file.signing_key, 'base64')).toHaveLength(32);
    expect(keys.stdout.trim()).toBe(file.verify_key);
    expect(statSync(join(work, 'agent-keys.json')).mode & 0o777).toBe(0o600);
    // Never overwritten: a second keygen into the same file fails and leaves it.
    expect((await bash(cli(run[0]!.code), work, {})).code).toBe(1);
    expect(JSON.parse(readFileSync(join(work, 'agent-keys.json'), 'utf8'))).toEqual(file);
  });

  it('pairs, files an access request for a verified email, follows it and revokes it', async () => {
    const verifyKey = JSON.parse(readFileSync(join(work, 'agent-keys.json'), 'utf8')).verify_key as string;
    t = await bootApp({ env: { LETHE_DRP_BUSINESS_ID: 'ACME_001', LETHE_DRP_AGENTS: JSON.stringify([{ id: 'TEST_AGENT_001', verifyKey, trustVerifiedEmail: true }]) } });
    await t.app.listen(0, '127.0.0.1');
    const port = (t.app.getHttpServer().address() as AddressInfo).port;

    const session = await bash(`${cli(run[1]!.code)}\necho "REQUEST=$REQUEST"`, work, { DRP_URL: `http://127.0.0.1:${port}` });
    if (session.code !== 0) throw new Error(`the README's agent session failed (${session.code}):\n${session.stderr}\n${session.stdout}`);
    const id = /REQUEST=([0-9a-f-]{36})/.exec(session.stdout)?.[1];
    expect(id).toBeDefined();
    // status printed in_progress, revoke printed revoked.
    expect(session.stdout).toMatch(/"status": "in_progress"[^]*"status": "revoked"/);
    const request = await t.http.get(`/v1/requests/${id}`).set(...bearer((await createKey(t, ['counsel'])).key));
    expect(request.body).toMatchObject({ type: 'access', status: 'withdrawn', channel: 'authorized_agent', verificationMethod: 'authorized_agent' });
  });

  it('says what went wrong, with the exit code: an unknown command, a missing setting', async () => {
    const usage = await bash(`node ${ROOT}/dist/src/tools/drp-agent.js frobnicate`, work, {});
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/usage: commands: keygen/);
    const unset = await bash(`node ${ROOT}/dist/src/tools/drp-agent.js pair`, work, { DRP_AGENT_ID: '' });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toMatch(/set DRP_AGENT_ID/);
  });
});
