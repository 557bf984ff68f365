import type { RestoredVm, VmExportManifest } from '../providers/hypervisor.port';

/** What a VM restore proved, in the words the operation's result and summary use (R-OP-9). */
export interface VmRestoreCheck {
  /** What differs from the backup; empty when the restore is verified. */
  problems: string[];
  verified: Record<string, unknown>;
  /** Only where the platform cannot show something: said plainly in the result. */
  notVerified?: string[];
  summaryJa: string;
  summaryEn: string;
}

/**
 * Checks a restored VM against the backup's export manifest. Where the adapter shows disk content
 * (the simulator: `diskDigest` of what is on the disks) the digests must be equal. Where it cannot
 * (vSphere: vCenter gives no digest of a disk's content) the adapter reports how the disks were
 * uploaded instead: the SHA-256 of each disk's bytes read from the export (equal to the manifest's,
 * hence the same `diskDigest`) and the SHA-1 vCenter reports of what it received (its lease
 * manifest). Configuration (CPU, memory, disk size, OS) and power are checked in both cases.
 */
export function checkRestoredVm(vm: RestoredVm, manifest: VmExportManifest): VmRestoreCheck {
  const problems: string[] = (['cpu', 'memoryGiB', 'diskGiB', 'os'] as const).filter((k) => vm[k] !== manifest.vm[k]);
  const check = vm.diskCheck;
  if (!check) {
    if (vm.diskDigest !== manifest.diskDigest) problems.push('diskDigest');
    if (vm.power !== 'on') problems.push('power');
    return {
      problems,
      verified: { diskDigest: vm.diskDigest },
      summaryJa: '構成とディスク内容を検証しました',
      summaryEn: 'verified its configuration and disk content',
    };
  }
  if (check.uploadedDigest !== manifest.diskDigest) problems.push('diskDigest');
  if (check.disks.length === 0) problems.push('disks');
  if (check.disks.some((d) => d.platformSha1 !== null && d.platformSha1 !== d.sha1)) problems.push('platformChecksum');
  if (vm.power !== 'on') problems.push('power');
  const unconfirmed = check.disks.filter((d) => d.platformSha1 === null).map((d) => d.targetId);
  return {
    problems,
    verified: {
      configuration: { cpu: vm.cpu, memoryGiB: vm.memoryGiB, diskGiB: vm.diskGiB, os: vm.os },
      power: vm.power,
      disks: check.disks,
      diskDigest: check.uploadedDigest,
    },
    notVerified: [
      'the content of the disks on the datastore after the import: vCenter gives no digest of a disk\'s content (vcsim does not keep it at all); what is proven is that the bytes uploaded are the backup\'s (SHA-256 per disk against the export manifest) and that vCenter received those bytes (SHA-1 of its lease manifest)',
      'the guest operating system and its applications (not started or inspected)',
      ...(unconfirmed.length ? [`vCenter's checksum of what it received for ${unconfirmed.join(', ')} (its lease manifest gave none)`] : []),
    ],
    summaryJa: '構成（CPU・メモリ・ディスク容量）、電源、アップロードした各ディスクのチェックサム（バックアップの目録および vCenter の受信 SHA-1 と一致）を検証しました。ディスク上のデータ内容は vCenter が示さないため検証していません',
    summaryEn: 'verified its configuration (CPU, memory, disk size), power and the checksum of every uploaded disk (equal to the backup\'s manifest and to the SHA-1 vCenter received); the data on the disks is not verified, vCenter shows no digest of it',
  };
}
