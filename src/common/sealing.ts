import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * AES-256-GCM under OPSDESK_SECRET_KEY, as `<iv>.<tag>.<data>` (base64 parts). The associated data
 * binds a sealed value to where it belongs (a case and operation, a device, a setting's name), so
 * a value copied elsewhere does not open. Every secret opsdesk keeps goes through here: the one-time
 * database passwords (R-OP-5), SNMP communities (R-MON-3) and sealed settings (VSPHERE_PASSWORD).
 */
export function sealWithKey(key: Buffer, plain: string, associatedData: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(associatedData));
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64')).join('.');
}

export function openWithKey(key: Buffer, sealed: string, associatedData: string): string {
  const [iv, tag, data] = sealed.split('.').map((part) => Buffer.from(part, 'base64'));
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(associatedData));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
}

/** A base64 text as the 32-byte key, or an error that says how to make one. */
export function parseSecretKey(text: string, where = 'OPSDESK_SECRET_KEY'): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${where} must be 32 bytes, base64-encoded (openssl rand -base64 32)`);
  return key;
}

export interface SecretKeySettings {
  /** OPSDESK_SECRET_KEY, base64. */
  secretKey: string | null;
  /** Embedded mode: the key generated once beside the data, shared by the API and the worker. */
  secretKeyFile: string;
}

/**
 * Seals and opens with the deployment's key: OPSDESK_SECRET_KEY, or in embedded mode a key made
 * once in the key file (both processes read the same file, so whichever comes first makes it).
 */
export class SecretSealer {
  private key: Buffer | null = null;

  /** `purpose` completes "OPSDESK_SECRET_KEY is not set: it …" when a real deployment lacks the key. */
  constructor(private readonly settings: SecretKeySettings, private readonly embedded: boolean, private readonly purpose: string) {}

  seal(plain: string, associatedData: string): string {
    return sealWithKey(this.secretKey(), plain, associatedData);
  }

  open(sealed: string, associatedData: string): string {
    return openWithKey(this.secretKey(), sealed, associatedData);
  }

  private secretKey(): Buffer {
    if (this.key) return this.key;
    if (this.settings.secretKey) return (this.key = parseSecretKey(this.settings.secretKey));
    if (!this.embedded) throw new Error(`OPSDESK_SECRET_KEY is not set: it ${this.purpose} (openssl rand -base64 32)`);
    mkdirSync(dirname(this.settings.secretKeyFile), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(this.settings.secretKeyFile, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    return (this.key = parseSecretKey(readFileSync(this.settings.secretKeyFile, 'utf8'), this.settings.secretKeyFile));
  }
}
