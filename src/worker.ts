import { runWorker } from './lethe.js';

runWorker().catch((error: unknown) => {
  process.stderr.write(`lethe-worker: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
