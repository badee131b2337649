import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A new, empty database on the server of `url` (its name keeps "test"), and a way to drop it. */
export async function createDatabaseBeside(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const shared = new URL(url);
  const name = `${shared.pathname.slice(1)}_own_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client(url);
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const own = new URL(url);
  own.pathname = `/${name}`;
  return { url: own.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
