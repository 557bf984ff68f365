import { createHash } from 'node:crypto';
import { checkRestoredVm } from '../../src/operations/vm-restore-check';
import type { RestoredVm, VmExportManifest } from '../../src/providers/hypervisor.port';

const manifest: VmExportManifest = {
  format: 'test', vm: { name: 'web01', cpu: 2, memoryGiB: 4, diskGiB: 20, os: 'rhel9', businessSystem: null }, diskDigest: 'content-digest', exportedAt: '2026-12-01T00:00:00Z',
};
const vm: RestoredVm = {
  id: 'vm-1', name: 'web01', host: 'esx01', cpu: 2, memoryGiB: 4, diskGiB: 20, os: 'rhel9', businessSystem: null, address: '192.0.2.10',
  power: 'on', state: 'ready', createdByKey: 'k', diskDigest: 'content-digest', createdAt: '2026-12-01T00:00:00Z',
};
const disk = { targetId: 'web01.vmdk', bytes: 3, sha256: 'a'.repeat(64), sha1: 'b'.repeat(40), platformSha1: 'b'.repeat(40) };
const digestOf = (disks: Array<typeof disk>) => createHash('sha256').update(disks.map((d) => `${d.targetId}:${d.bytes}:${d.sha256}`).join(',')).digest('hex');

describe('R-OP-9: what a VM restore verifies', () => {
  test('R-OP-9: an adapter that shows disk content (the simulator) is checked by its disk digest, as before', () => {
    expect(checkRestoredVm(vm, manifest)).toEqual({ problems: [], verified: { diskDigest: 'content-digest' }, summaryJa: '構成とディスク内容を検証しました', summaryEn: 'verified its configuration and disk content' });
    expect(checkRestoredVm({ ...vm, diskDigest: 'other', cpu: 1, power: 'off' }, manifest).problems).toEqual(['cpu', 'diskDigest', 'power']);
  });

  test('R-OP-9: on vSphere the uploaded disks stand for the content: their digest equal to the manifest\'s, vCenter\'s SHA-1 equal to what was sent; what is not verified is said', () => {
    const m = { ...manifest, diskDigest: digestOf([disk]) };
    const ok = checkRestoredVm({ ...vm, diskDigest: 'identity-not-content', diskCheck: { disks: [disk], uploadedDigest: digestOf([disk]) } }, m);
    expect(ok.problems).toEqual([]);
    expect(ok.verified).toMatchObject({ configuration: { cpu: 2, memoryGiB: 4, diskGiB: 20, os: 'rhel9' }, power: 'on', diskDigest: m.diskDigest });
    expect(ok.notVerified?.join(' ')).toMatch(/content of the disks/);
    const bad = checkRestoredVm({ ...vm, memoryGiB: 8, diskCheck: { disks: [{ ...disk, platformSha1: 'c'.repeat(40) }], uploadedDigest: 'x' } }, m);
    expect(bad.problems).toEqual(['memoryGiB', 'diskDigest', 'platformChecksum']);
    const unconfirmed = checkRestoredVm({ ...vm, diskCheck: { disks: [{ ...disk, platformSha1: null }], uploadedDigest: digestOf([disk]) } }, m);
    expect(unconfirmed.problems).toEqual([]);
    expect(unconfirmed.notVerified?.join(' ')).toMatch(/web01\.vmdk/);
  });
});
