import { isIP } from 'node:net';
import type { Reader } from './reader.js';

/** proxy-addr's names for address ranges, which Fastify accepts beside addresses and CIDR ranges. */
const RANGES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * LETHE_TRUST_PROXY: which peers may say, in X-Forwarded-For, who the client is. Unset, nobody may:
 * the client is the connection's address. Set, a comma-separated list of the proxies' addresses,
 * CIDR ranges or `loopback`, `linklocal`, `uniquelocal`. Trusting every peer is refused, and so is a
 * hop count (Fastify cannot check the nearest peer with one): any client could then pick the
 * address its rate limits, sign-in failures and consent evidence are counted against.
 * Returns what Fastify's `trustProxy` takes, or undefined for off.
 */
export function trustProxyConfig(read: Reader, problems: string[]): string | undefined {
  const name = 'LETHE_TRUST_PROXY';
  const value = read.optional(name);
  if (value === undefined) return undefined;
  if (/^(\d+|true|\*|all|0\.0\.0\.0\/0|::\/0)$/i.test(value)) {
    problems.push(`${name} must name the proxies (addresses, CIDR ranges, loopback, linklocal, uniquelocal), not trust every peer or a number of them: any client could then choose its own address (got "${value}")`);
    return undefined;
  }
  const items = value.split(',').map((item) => item.trim()).filter((item) => item !== '');
  const bad = items.filter((item) => !RANGES.includes(item) && !isAddressOrRange(item));
  if (bad.length > 0) {
    problems.push(`${name} may list only IP addresses, CIDR ranges (10.0.0.0/8), loopback, linklocal and uniquelocal (got "${bad.join(', ')}")`);
    return undefined;
  }
  return items.join(',');
}

function isAddressOrRange(item: string): boolean {
  const [address = '', prefix, ...rest] = item.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) >= 1 && Number(prefix) <= (family === 4 ? 32 : 128);
}
