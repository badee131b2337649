import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LetheConfig } from '../config/config.schema.js';

export interface Sealed {
  keyId: string;
  /** base64url of iv (12) ‖ tag (16) ‖ ciphertext */
  data: string;
}

/**
 * Server secrets: one HMAC key for keyed hashes (stable references to subjects and IP addresses
 * that cannot be reversed without the key) and AES-256-GCM keys for data that must be read back.
 * Each sealed value names the key that sealed it, so keys rotate: add a new key first in
 * LETHE_ENCRYPTION_KEYS, keep the old ones until nothing sealed with them remains.
 */
export class Keyring {
  constructor(
    private readonly hmacKey: Buffer,
    private readonly keys: ReadonlyArray<{ id: string; key: Buffer }>,
  ) {
    if (keys.length === 0) throw new Error('Keyring needs at least one encryption key');
  }

  /** HMAC-SHA256 (hex) of a value within a domain, so the same value hashes differently per use. */
  keyedHash(domain: string, value: string): string {
    return createHmac('sha256', this.hmacKey).update(`${domain}\u0000${value}`).digest('hex');
  }

  seal(plaintext: string): Sealed {
    const { id, key } = this.keys[0]!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { keyId: id, data: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url') };
  }

  open(sealed: Sealed): string {
    const entry = this.keys.find((k) => k.id === sealed.keyId);
    if (!entry) throw new Error(`no encryption key with id ${sealed.keyId} is configured`);
    const raw = Buffer.from(sealed.data, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', entry.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }

  /**
   * From configuration; in development, without configured secrets, from `<dataDir>/secrets.json`
   * (created once, readable by this user only) or, with nothing persisted, fresh random keys.
   */
  static fromConfig(config: LetheConfig): Keyring {
    let hmac = config.secrets.hmacKey;
    let keys = config.secrets.encryptionKeys;
    if (hmac === undefined || keys === undefined) {
      const local = config.database.url === undefined && !config.database.embeddedPersist ? generated() : localSecrets(config.dataDir);
      hmac ??= local.hmacKey;
      keys ??= [{ id: local.keyId, key: Buffer.from(local.encryptionKey, 'base64') }];
    }
    return new Keyring(Buffer.from(hmac, 'utf8'), keys);
  }
}

interface LocalSecrets {
  hmacKey: string;
  keyId: string;
  encryptionKey: string;
}

function generated(): LocalSecrets {
  return { hmacKey: randomBytes(32).toString('base64url'), keyId: 'local', encryptionKey: randomBytes(32).toString('base64') };
}

function localSecrets(dataDir: string): LocalSecrets {
  const dir = resolve(dataDir);
  const file = join(dir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets;
  mkdirSync(dir, { recursive: true });
  const secrets = generated();
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secrets;
}
