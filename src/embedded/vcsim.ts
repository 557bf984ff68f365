import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startVcsim, type RunningVcsim } from '../providers/vsphere/vcsim-binary';
import { VimClient } from '../providers/vsphere/vim-client';

/**
 * vcsim for demos (`HYPERVISOR=vcsim npm start`): VMware's vCenter simulator on a fixed loopback
 * port, with a certificate kept in `data/vcsim/tls/` (so its pinned thumbprint survives a restart),
 * its first VM turned into the `rhel9` guest template, and the VSPHERE_* settings that point the
 * vSphere adapter at it. vcsim keeps its inventory in memory: a restart starts it afresh.
 */
export interface EmbeddedVcsim extends RunningVcsim {
  /** What the API and the worker need: HYPERVISOR=vsphere and the VSPHERE_* settings. */
  env: Record<string, string>;
}

function certificate(dir: string): { cert: string; key: string; thumbprint: string } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const cert = join(dir, 'vcsim.pem');
  const key = join(dir, 'vcsim.key');
  if (!existsSync(cert) || !existsSync(key)) {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '3650', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ], { stdio: 'pipe' });
  }
  return { cert, key, thumbprint: new X509Certificate(readFileSync(cert)).fingerprint256 };
}

export async function startEmbeddedVcsim(options: { dataDir: string; port: number; log?: (line: string) => void }): Promise<EmbeddedVcsim> {
  const tls = certificate(join(options.dataDir, 'tls'));
  const vcsim = await startVcsim({ listen: `127.0.0.1:${options.port}`, args: ['-tlscert', tls.cert, '-tlskey', tls.key], log: options.log });
  try {
    const admin = new VimClient(vcsim.url, { thumbprint: tls.thumbprint });
    await admin.login(vcsim.username, vcsim.password);
    const [vm] = (await admin.retrieveAll('VirtualMachine', ['name', 'config.template'])).filter((v) => v.props.name === 'DC0_H0_VM0');
    if (vm && vm.props['config.template'] !== 'true') {
      await admin.waitForTask(await admin.powerOffVm(vm.obj));
      await admin.call('MarkAsTemplate', vm.obj, []);
    }
    await admin.logout();
  } catch (error) {
    await vcsim.stop();
    throw error;
  }
  return {
    ...vcsim,
    env: {
      HYPERVISOR: 'vsphere',
      VSPHERE_IS_VCSIM: '1',
      VSPHERE_URL: vcsim.url,
      VSPHERE_USER: vcsim.username,
      VSPHERE_PASSWORD: vcsim.password,
      VSPHERE_THUMBPRINT: tls.thumbprint,
      VSPHERE_TEMPLATES: 'rhel9=DC0_H0_VM0',
      VSPHERE_CLUSTER: 'DC0_C0',
      VSPHERE_VCPU_PER_CORE: '4',
      VSPHERE_ADDRESS_POOL: '10.20.10.10-10.20.10.250',
    },
  };
}
