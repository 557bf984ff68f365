import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { OperationsConfig } from '../operations/operations-config';

/**
 * SNMP communities are sealed like the database passwords of the operation items
 * (src/operations/credential-vault.ts): AES-256-GCM under OPSDESK_SECRET_KEY (embedded mode: the
 * key file beside the data), the device id as associated data, so a sealed value cannot be moved
 * to another device.
 */
export class SecretSealer {
  private key: Buffer | null = null;

  constructor(private readonly config: Pick<OperationsConfig, 'secretKey' | 'secretKeyFile'>, private readonly embedded: boolean) {}

  seal(plain: string, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.secretKey(), iv);
    cipher.setAAD(Buffer.from(aad));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64')).join('.');
  }

  open(sealed: string, aad: string): string {
    const [iv, tag, data] = sealed.split('.').map((part) => Buffer.from(part, 'base64'));
    const decipher = createDecipheriv('aes-256-gcm', this.secretKey(), iv);
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  }

  private secretKey(): Buffer {
    if (this.key) return this.key;
    if (this.config.secretKey) {
      const key = Buffer.from(this.config.secretKey, 'base64');
      if (key.length !== 32) throw new Error('OPSDESK_SECRET_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32)');
      return (this.key = key);
    }
    if (!this.embedded) throw new Error('OPSDESK_SECRET_KEY is not set: it seals SNMP communities (openssl rand -base64 32)');
    mkdirSync(dirname(this.config.secretKeyFile), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(this.config.secretKeyFile, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const key = Buffer.from(readFileSync(this.config.secretKeyFile, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${this.config.secretKeyFile} does not hold a 32-byte key`);
    return (this.key = key);
  }
}
