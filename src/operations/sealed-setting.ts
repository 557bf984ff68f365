import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

/**
 * Settings kept sealed (AES-256-GCM with OPSDESK_SECRET_KEY, the key that seals the one-time
 * database passwords of R-OP-5), so that an `.env` file or a compose file does not hold a password
 * in clear: `VSPHERE_PASSWORD=sealed:<iv>.<tag>.<data>` (base64 parts). The variable's name is the
 * associated data: a value sealed for one setting does not open as another. `npm run seal` makes one.
 */
export const SEALED_PREFIX = 'sealed:';

export function isSealed(value: string): boolean {
  return value.startsWith(SEALED_PREFIX);
}

/** The secret key: OPSDESK_SECRET_KEY, or in embedded mode the key file the credential vault keeps. */
export function settingKey(secretKey: string | null, keyFile: string | null): Buffer | null {
  const text = secretKey ?? (keyFile && existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : null);
  if (!text) return null;
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error('OPSDESK_SECRET_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32)');
  return key;
}

export function sealSetting(name: string, plain: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(name));
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return SEALED_PREFIX + [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64')).join('.');
}

/** Opens a sealed setting; every failure names the variable. */
export function openSetting(name: string, value: string, key: Buffer | null): string {
  if (!isSealed(value)) return value;
  if (!key) throw new Error(`${name} is sealed, but OPSDESK_SECRET_KEY (the key it was sealed with) is not set`);
  const parts = value.slice(SEALED_PREFIX.length).split('.');
  if (parts.length !== 3) throw new Error(`${name}: a sealed value is sealed:<iv>.<tag>.<data> (npm run seal)`);
  try {
    const [iv, tag, data] = parts.map((part) => Buffer.from(part, 'base64'));
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(name));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  } catch {
    throw new Error(`${name} does not open with OPSDESK_SECRET_KEY: sealed with another key, or for another setting`);
  }
}
