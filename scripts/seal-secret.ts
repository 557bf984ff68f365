/**
 * `npm run seal -- VSPHERE_PASSWORD`: reads a secret from standard input (so it stays out of the
 * shell history) and prints it sealed with OPSDESK_SECRET_KEY, for the variable named, e.g.
 * `printf %s "$PW" | OPSDESK_SECRET_KEY=... npm run --silent seal -- VSPHERE_PASSWORD`.
 */
import { sealSetting, settingKey } from '../src/operations/sealed-setting';

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[A-Z][A-Z0-9_]*$/.test(name)) throw new Error('name the variable to seal for: npm run seal -- VSPHERE_PASSWORD');
  const key = settingKey(process.env.OPSDESK_SECRET_KEY || null, null);
  if (!key) throw new Error('OPSDESK_SECRET_KEY is not set (openssl rand -base64 32): it seals the value');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const plain = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (!plain) throw new Error('nothing on standard input to seal');
  console.log(sealSetting(name, plain, key));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
