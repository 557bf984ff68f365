/** Run before `npm test`: builds vcsim (the vCenter simulator of the vSphere adapter's tests) when it is missing. */
import { ensureVcsimBinary } from '../src/providers/vsphere/vcsim-binary';

try {
  ensureVcsimBinary();
} catch (error) {
  console.error(`[opsdesk] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
