import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = process.cwd();

/** Builds the server when dist/ is older than any source file (CI builds it before the tests). */
export function ensureBuilt(): void {
  const newest = (dir: string): number =>
    Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
  let built = 0;
  try {
    built = statSync(join(ROOT, 'dist/src/main.js')).mtimeMs;
  } catch {
    // not built yet
  }
  if (built < Math.max(newest(join(ROOT, 'src')), newest(join(ROOT, 'migrations')))) execFileSync('npm', ['run', 'build:server'], { cwd: ROOT, stdio: 'ignore' });
}
