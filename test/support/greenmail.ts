import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/common/paths';
import { freePort, isPortOpen } from '../../src/embedded/ports';

export const GREENMAIL_VERSION = '2.1.3';

/**
 * A real IMAP (and SMTP) server for the desk mailbox tests: GreenMail standalone, a Java mail
 * server from Maven Central, bound to loopback only. Debian's dovecot needs a system user and
 * config for its privilege separation; GreenMail runs as one JVM process. The jar stays
 * project-local in `.tools/greenmail/` (fetched once with `mvn dependency:copy`); `GREENMAIL_PATH`
 * names another jar, `JAVA_PATH` another java.
 */
export function ensureGreenMail(): string {
  if (process.env.GREENMAIL_PATH) return process.env.GREENMAIL_PATH;
  const dir = join(PROJECT_ROOT, '.tools', 'greenmail');
  const jar = join(dir, `greenmail-standalone-${GREENMAIL_VERSION}.jar`);
  if (existsSync(jar)) return jar;
  mkdirSync(dir, { recursive: true });
  // Maven's own download cache stays project-local too (.tools/greenmail/m2), not in ~/.m2.
  const args = ['-q', '-B', `-Dmaven.repo.local=${join(dir, 'm2')}`, 'dependency:copy', `-Dartifact=com.icegreen:greenmail-standalone:${GREENMAIL_VERSION}`, `-DoutputDirectory=${dir}`];
  try {
    execFileSync('mvn', args, { stdio: 'inherit' });
  } catch (error) {
    throw new Error(`could not fetch GreenMail ${GREENMAIL_VERSION} (the desk's IMAP test server) with Maven: ${(error as Error).message}. ` +
      'Install Java and Maven (apt-get install -y default-jre-headless maven), or set GREENMAIL_PATH to a greenmail-standalone jar.');
  }
  return jar;
}


export interface GreenMail {
  imapPort: number;
  smtpPort: number;
  user: string;
  password: string;
  address: string;
  stop(): Promise<void>;
}

export async function startGreenMail(options: { address?: string; password?: string } = {}): Promise<GreenMail> {
  const jar = ensureGreenMail();
  const address = options.address ?? 'desk@opsdesk.local';
  const password = options.password ?? 'desk-secret';
  const [imapPort, smtpPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const child: ChildProcess = spawn(process.env.JAVA_PATH ?? 'java', [
    `-Dgreenmail.imap.hostname=127.0.0.1`, `-Dgreenmail.imap.port=${imapPort}`,
    `-Dgreenmail.smtp.hostname=127.0.0.1`, `-Dgreenmail.smtp.port=${smtpPort}`,
    `-Dgreenmail.api.hostname=127.0.0.1`, `-Dgreenmail.api.port=${apiPort}`,
    `-Dgreenmail.users=${address.split('@')[0]}:${password}@${address.split('@')[1]}`, '-Dgreenmail.users.login=email',
    '-jar', jar,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`GreenMail did not start within 30 s:\n${output.slice(-2000)}`)), 30_000);
    const onData = (chunk: Buffer) => void (output += chunk.toString());
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    // Ready when both ports answer (GreenMail logs its start only when verbose).
    const probe = async () => {
      while (child.exitCode === null) {
        if ((await isPortOpen(imapPort)) && (await isPortOpen(smtpPort))) {
          clearTimeout(timer);
          return resolve();
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    void probe();
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`GreenMail exited (${code}):\n${output.slice(-2000)}`));
    });
  });
  child.stdout!.removeAllListeners('data');
  child.stderr!.removeAllListeners('data');
  child.stdout!.resume();
  child.stderr!.resume();
  return {
    imapPort, smtpPort, user: address, password, address,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    }),
  };
}
