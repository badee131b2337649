import { runApi } from './lethe.js';

runApi().catch((error: unknown) => {
  process.stderr.write(`lethe: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
