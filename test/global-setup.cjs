// With DATABASE_URL set the suites share one server database: refuse one whose name lacks "test".
// The first app a suite boots migrates it (under an advisory lock); later boots find nothing to do.
// On the embedded default every suite boots its own in-memory PGlite.
module.exports = async function globalSetup() {
  const url = process.env.DATABASE_URL;
  if (!url) return;
  const database = new URL(url).pathname.slice(1);
  if (!database.includes('test')) {
    throw new Error(`Refusing to run the tests against database "${database}": its name must contain "test".`);
  }
};
