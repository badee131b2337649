import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootApp, onServer, TestApp } from '../factories/app.js';
import { RUN_BY_BACKUP_SPEC, RUN_BY_DRP_SPEC, type ShellBlock, shellBlocks } from '../factories/readme.js';

describe('README shell blocks: extraction', () => {
  it.each<[string, string, Omit<ShellBlock, 'code'>[]]>([
    ['a plain sh block runs', 'text\n```sh\necho hi\n```\n', [{ line: 2 }]],
    ['bash and shell fences are shell too', '```bash\na\n```\n```shell\nb\n```', [{ line: 1 }, { line: 4 }]],
    ['a marker just above skips it, with its reason', '<!-- not-run: starts the server -->\n```sh\nnpm start\n```', [{ line: 2, notRun: 'starts the server' }]],
    ['a marker further up does not', '<!-- not-run: x -->\n\n```sh\nls\n```', [{ line: 3 }]],
    ['yaml, json and bare fences are not shell', '```yaml\na: 1\n```\n```\nPOST x\n```\n```json\n{}\n```', []],
  ])('%s', (_name, markdown, expected) => {
    expect(shellBlocks(markdown).map(({ line, notRun }) => ({ line, ...(notRun !== undefined ? { notRun } : {}) }))).toEqual(expected);
  });
});

/**
 * The README's shell blocks, run in order in one bash session against a freshly booted service, as a new user
 * follows them in one terminal: `./data` is the service's data folder, and `curl` reaches `localhost:3000` through a
 * wrapper that points it at the test's port and fails on an HTTP error (`--fail-with-body`). The script runs with
 * `set -euo pipefail`, so an unset variable or a failed command stops it, and the failure names the block.
 * A fresh install is embedded PGlite with no admin key, so that is what this suite boots in every CI mode.
 */
// The README's quick start is the embedded default, and this suite always boots it (embedded PGlite, BullMQ on
// it): the embedded CI mode runs it. In the server modes it would add nothing, and an embedded BullMQ closing
// inside a server-mode run has written to its closed connections while the next suite ran.
(onServer ? describe.skip : describe)('README shell blocks: they run on a fresh install', () => {
  const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
  const blocks = shellBlocks(readme);
  let t: TestApp;
  let work: string;
  let port: number;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'lethe-readme-'));
    t = await bootApp({
      env: {
        LETHE_DATA_DIR: join(work, 'data'),
        // No configured admin key: the service writes data/admin-api-key.txt, as the quick start says.
        LETHE_ADMIN_API_KEY: '',
        DATABASE_URL: '',
        REDIS_URL: '',
      },
    });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(() => t?.close());

  it('marks only the few blocks that cannot run, each with its reason', () => {
    const skipped = blocks.filter((b) => b.notRun !== undefined);
    expect(blocks.length - skipped.length).toBeGreaterThanOrEqual(3);
    for (const block of skipped) expect(block.notRun).toMatch(/\w{3}/);
    // The DRP walkthrough needs a Lethe started with the agent's key: drp-cli.spec.ts runs those blocks.
    // Backup and restore need a running service with writes in flight, or a Postgres server: backup.spec.ts runs those.
    expect(skipped.filter((b) => !RUN_BY_DRP_SPEC.test(b.notRun!) && !RUN_BY_BACKUP_SPEC.test(b.notRun!)).map((b) => b.code.split('\n')[0])).toEqual(['npm install && npm start', 'npm test']);
  });

  it('runs every other block, in order, without an error', async () => {
    const realCurl = execFileSync('bash', ['-c', 'command -v curl'], { encoding: 'utf8' }).trim();
    const bin = join(work, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(
      join(bin, 'curl'),
      `#!/usr/bin/env bash
args=()
for a in "$@"; do args+=("\${a//localhost:3000/127.0.0.1:${port}}"); done
exec ${realCurl} --fail-with-body --show-error "\${args[@]}"
`,
    );
    chmodSync(join(bin, 'curl'), 0o755);
    const state = join(work, 'block');
    const runnable = blocks.map((b, index) => ({ ...b, index: index + 1 })).filter((b) => b.notRun === undefined);
    const script = [
      'set -euo pipefail',
      ...runnable.flatMap((b) => [`printf '%s' ${b.index} > ${JSON.stringify(state)}`, b.code, `echo`]),
      `printf done > ${JSON.stringify(state)}`,
    ].join('\n');
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile('bash', ['-c', script], { cwd: work, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, timeout: 120_000, maxBuffer: 10 * 1024 * 1024 }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
    });
    const reached = readFileSync(state, 'utf8');
    if (result.code !== 0 || reached !== 'done') {
      const block = blocks[Number(reached) - 1];
      throw new Error(
        `README block ${reached} (line ${block?.line}: ${block?.code.split('\n')[0]}) failed with exit code ${result.code}\n` +
          `--- stderr ---\n${result.stderr.slice(-2000)}\n--- stdout ---\n${result.stdout.slice(-2000)}`,
      );
    }
    // What the blocks did is really there: a grant for usr_123 under the notice the README published.
    expect(result.stdout).toMatch(/"purpose":"marketing-email"[^]*"action":"granted"/);
  });
});
