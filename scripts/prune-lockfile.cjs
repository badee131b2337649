// Run after regenerating package-lock.json on this project's build machines.
//
// Their registry serves only the platform binaries of this platform (linux), so npm cannot record
// the other platforms' optional binaries (msgpackr-extract, unrs-resolver bindings) in the lock, yet
// still lists their names under `optionalDependencies`; `npm ci` then refuses the lock as out of sync.
// This drops the names that have no entry. On a machine whose registry has them all, a plain
// `npm install` writes a complete lock and this script removes nothing.
const fs = require('node:fs');

const file = 'package-lock.json';
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
let removed = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const name of Object.keys(entry.optionalDependencies ?? {})) {
    if (!lock.packages[`node_modules/${name}`] && !lock.packages[`${path}/node_modules/${name}`]) {
      delete entry.optionalDependencies[name];
      removed += 1;
    }
  }
}
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(`prune-lockfile: dropped ${removed} optional entries this registry cannot resolve\n`);
