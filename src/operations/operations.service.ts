import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash, randomBytes } from 'node:crypto';
import { checkRequestParams } from '../../workflows/shared/request-types';
import type { AppConfig } from '../config/app-config';
import { User } from '../identity/user.entity';
import { Asset } from '../inventory/asset.entity';
import type { InventoryService } from '../inventory/inventory.service';
import type { Mailer } from '../mail/mailer';
import type { DatabasePlatformPort, DataFingerprint } from '../providers/database-platform.port';
import { hasRestoreUndo, type HypervisorPort, type RestoredVm, type VmExportManifest, type VmInfo } from '../providers/hypervisor.port';
import { ProviderError, type Progress } from '../providers/provider-error';
import { renderBackupFailureMail } from './backup-failure-mail';
import type { BackupScheduler } from './backup-schedules';
import type { BackupService } from './backup.service';
import type { CredentialVault } from './credential-vault';
import { checkRestoredVm } from './vm-restore-check';
import { BackupRecord, OperationRun, type BackupTargetKind } from './operation.entities';
import type {
  BackupFailureInput, BackupFailureNotice, BackupSummary, BackupTarget, CompensateInput, CompensationOutcome, OperationOutcome, PruneSummary,
  RunOperationInput, ScheduledBackupInput,
} from '../../workflows/shared/contracts';

export interface Work {
  progress?: (progress: Progress) => void;
  signal?: AbortSignal;
}

/** R-OP-5: connections a database of each size class may hold (its role and the database itself). */
export const CONNECTION_LIMITS: Record<string, number> = { small: 10, medium: 30, large: 100 };

type Params = Record<string, unknown>;
type Created = Record<string, unknown>;

/**
 * The operation items (R-OP-1..9), done for real through the provider ports: the policy around
 * them (confirmation, protection, final backups, verification, idempotency by key, compensation)
 * lives here, the mechanics in the adapters.
 */
export class OperationsService {
  constructor(
    private readonly em: EntityManager,
    readonly hypervisor: HypervisorPort,
    readonly platform: DatabasePlatformPort,
    readonly backups: BackupService,
    readonly scheduler: BackupScheduler,
    private readonly vault: CredentialVault,
    private readonly inventory: InventoryService,
    private readonly mailer: Mailer,
    private readonly config: AppConfig,
  ) {}

  /** Runs a work request's operation once per key; a second call returns the first result. */
  async run(input: RunOperationInput, work: Work = {}): Promise<OperationOutcome> {
    const em = this.em.fork();
    const [row] = await em.execute<Array<{ status: string; result: OperationOutcome | null }>>(
      `insert into operation_run (key, case_id, case_number, type, params, status, attempts, created, started_at, updated_at)
       values (?, ?, ?, ?, ?, 'running', 1, '{}', now(), now())
       on conflict (key) do update set attempts = operation_run.attempts + 1, updated_at = now(), error = null,
         status = case when operation_run.status = 'succeeded' then 'succeeded' else 'running' end
       returning status, result`,
      [input.key, input.caseId, input.caseNumber, input.type, JSON.stringify(input.params)],
    );
    if (row.status === 'succeeded' && row.result) return row.result;
    try {
      const problem = checkRequestParams(input.type, input.params);
      if (problem) throw new ProviderError('invalid', problem.message);
      const outcome = await this.dispatch(input, work);
      await em.transactional(async (tx) => {
        await tx.nativeUpdate(OperationRun, { key: input.key }, { status: 'succeeded', result: { ...outcome }, finishedAt: new Date(), updatedAt: new Date() });
        await this.vault.release(input.key, tx);
      });
      return outcome;
    } catch (error) {
      await em.nativeUpdate(OperationRun, { key: input.key }, { status: 'failed', error: message(error), updatedAt: new Date() }).catch(() => undefined);
      throw error;
    }
  }

  /** Undoes what a failed run made (a VM created but not configured, a database without its owner ...). */
  async compensate(input: CompensateInput): Promise<CompensationOutcome> {
    const em = this.em.fork();
    const run = await em.findOne(OperationRun, { key: input.key });
    const created: Created = run?.created ?? {};
    const p = input.params;
    const undone: string[] = [];
    const left: string[] = [];
    const undoVm = async (name: string, key: string) => {
      const vm = await this.hypervisor.getVm(name);
      if (vm && vm.createdByKey === key) {
        await this.hypervisor.delete(name, { key: `${key}:undo` });
        undone.push(`VM ${name}`);
      }
    };
    const undoDatabases = async (key: string) => {
      const made = await this.platform.createdBy(key);
      for (const database of made.databases) {
        await this.platform.dropDatabase(database, { key: `${key}:undo` });
        undone.push(`database ${database}`);
      }
      for (const role of made.roles) {
        await this.platform.dropRole(role, { key: `${key}:undo` });
        undone.push(`role ${role}`);
      }
    };
    switch (input.type) {
      case 'vm.provision':
      case 'vm.clone': {
        await undoVm(String(input.type === 'vm.provision' ? p.vmName : p.newName), input.key);
        if (typeof created.assetId === 'string' && (await this.removeAsset(created.assetId))) undone.push(`inventory entry ${String(input.type === 'vm.provision' ? p.vmName : p.newName)}`);
        break;
      }
      case 'vm.resize': {
        const vm = await this.hypervisor.getVm(String(p.vmName));
        if (created.poweredOff && vm?.power === 'off') {
          await this.hypervisor.setPower(vm.name, 'on', { key: `${input.key}:undo-power-on` });
          undone.push(`VM ${vm.name} powered on again`);
        }
        break;
      }
      case 'db.provide':
        await undoDatabases(input.key);
        await this.vault.discard(input.key);
        break;
      case 'backup.restore':
        if (created.swapped) {
          left.push(`the restored database is in place; the previous one may remain as ${String(created.retired)}`);
        } else if (p.target === 'database') {
          await undoDatabases(`${input.key}:target`);
          await undoDatabases(`${input.key}:staging`);
        } else if (typeof p.restoreAs === 'string' && p.restoreAs) {
          await undoVm(p.restoreAs, input.key);
        } else if (hasRestoreUndo(this.hypervisor) && (await this.undoVmRestore(String(p.targetName), input.key, undone))) {
          // The original is back in place (vSphere: renamed aside during the restore).
        } else if (created.safetyBackupId) {
          left.push(`the VM may be half-restored; the safety backup ${typeof created.safetyBackupId === 'string' ? created.safetyBackupId : '-'} holds its state before the restore`);
        }
        break;
      default:
        break;
    }
    const summaryJa = undone.length ? `途中まで行った作業を取り消しました: ${undone.join(', ')}` : '取り消す作業はありませんでした';
    const summaryEn = undone.length ? `Undid the half-done work: ${undone.join(', ')}` : 'Nothing to undo';
    await em.nativeUpdate(OperationRun, { key: input.key }, { status: 'compensated', compensation: { undone, left, reason: input.reason }, updatedAt: new Date() }).catch(() => undefined);
    return { undone, left, summaryJa: left.length ? `${summaryJa}（残り: ${left.join('; ')}）` : summaryJa, summaryEn: left.length ? `${summaryEn} (left: ${left.join('; ')})` : summaryEn };
  }

  /** A scheduled backup (R-SCHED-2), with the retention of the target's policy. */
  async scheduledBackup(input: ScheduledBackupInput, work: Work = {}): Promise<BackupSummary> {
    const policy = await this.scheduler.policy(input.targetKind, input.targetName);
    if (!policy) throw new ProviderError('not_found', `${input.targetKind} ${input.targetName} にバックアップ設定がありません / no active backup policy for ${input.targetKind} ${input.targetName}`);
    return this.backups.backup(
      { targetKind: input.targetKind, targetName: input.targetName, key: input.runKey, reason: 'scheduled', retentionDays: policy.retentionDays, requestedBy: `schedule:${policy.scheduleId}` },
      work,
    );
  }

  prune(input: BackupTarget): Promise<PruneSummary> {
    return this.backups.prune(input.targetKind, input.targetName);
  }

  /** Tells the operators a scheduled backup failed; once per run. */
  async notifyBackupFailure(input: BackupFailureInput): Promise<BackupFailureNotice> {
    const em = this.em.fork();
    const record = await em.findOne(BackupRecord, { key: input.runKey });
    if (record?.failureNotifiedAt) return { sent: false, to: [] };
    const operators = await em.find(User, { roles: { $contains: ['operator'] }, disabled: false }, { orderBy: { username: 'asc' } });
    const to = operators.map((u) => u.email).filter((e) => e.includes('@'));
    if (to.length === 0) return { sent: false, to };
    const mail = renderBackupFailureMail({ ...input, at: new Date().toISOString(), publicUrl: this.config.publicUrl });
    await this.mailer.send({ messageKey: `backup-failed.${input.runKey}`, to, subject: mail.subject, text: mail.text, html: mail.html });
    if (record) {
      record.failureNotifiedAt = new Date();
      await em.flush();
    }
    return { sent: true, to };
  }

  // ---- the operation items ----------------------------------------------------------------

  private dispatch(input: RunOperationInput, work: Work): Promise<OperationOutcome> {
    const p = input.params;
    switch (input.type) {
      case 'vm.provision': return this.provisionVm(p, input, work);
      case 'vm.delete': return this.deleteVm(p, input, work);
      case 'vm.clone': return this.cloneVm(p, input, work);
      case 'vm.resize': return this.resizeVm(p, input, work);
      case 'device.stop_start': return this.powerDevice(p, input, work);
      case 'db.provide': return this.provideDatabase(p, input, work);
      case 'db.delete': return this.deleteDatabase(p, input, work);
      case 'backup.configure': return this.configureBackup(p, input);
      case 'backup.restore': return this.restore(p, input, work);
      default:
        throw new ProviderError('invalid', `${input.type} は自動実行できません / ${input.type} is not an automated operation`);
    }
  }

  /** R-OP-1 */
  private async provisionVm(p: Params, input: RunOperationInput, work: Work): Promise<OperationOutcome> {
    const name = String(p.vmName);
    await this.assertNameFree(name, input.key);
    const vm = await this.hypervisor.provision(
      { name, cpu: Number(p.cpu), memoryGiB: Number(p.memoryGiB), diskGiB: Number(p.diskGiB), os: String(p.os), businessSystem: String(p.businessSystem) },
      { key: input.key, ...work },
    );
    const assetId = await this.registerAsset(vm, input);
    return this.outcome(
      `仮想マシン ${vm.name} を払い出しました（${vm.cpu} vCPU / メモリ ${vm.memoryGiB} GiB / ディスク ${vm.diskGiB} GiB、ホスト ${vm.host}、IPアドレス ${vm.address}）`,
      `VM ${vm.name} provisioned (${vm.cpu} vCPU, ${vm.memoryGiB} GiB memory, ${vm.diskGiB} GiB disk, host ${vm.host}, address ${vm.address})`,
      { ...vmResult(vm), inventoryAssetId: assetId },
    );
  }

  /** R-OP-2: confirmed by name, never a protected one, a final backup first. */
  private async deleteVm(p: Params, input: RunOperationInput, work: Work): Promise<OperationOutcome> {
    const name = String(p.vmName);
    if (p.confirmName !== name) throw new ProviderError('invalid', `確認のための名前が一致しません / confirmName must equal ${name}`);
    const asset = await this.em.fork().findOne(Asset, { hostname: name });
    if (asset?.protected) throw protectedTarget(name);
    const created = await this.created(input.key);
    const vm = await this.hypervisor.getVm(name);
    if (!vm && !created.finalBackupId) throw new ProviderError('not_found', `仮想マシン ${name} が見つかりません / no VM named ${name}`);
    const backup = await this.backups.backup(
      { targetKind: 'vm', targetName: name, key: `${input.key}:final-backup`, reason: 'final', retentionDays: this.config.operations.backup.finalRetentionDays, requestedBy: requester(input), caseNumber: input.caseNumber },
      work,
    );
    await this.remember(input.key, { finalBackupId: backup.backupId });
    await this.hypervisor.delete(name, { key: `${input.key}:delete`, ...work });
    const removedFromInventory = asset ? await this.removeAsset(asset.id) : false;
    const scheduleRemoved = await this.scheduler.remove('vm', name);
    return this.outcome(
      `仮想マシン ${name} を削除しました（最終バックアップ ${backup.backupId}、sha256 ${backup.sha256}）`,
      `VM ${name} deleted (final backup ${backup.backupId}, sha256 ${backup.sha256})`,
      { vmName: name, deleted: true, finalBackupId: backup.backupId, finalBackupSha256: backup.sha256, removedFromInventory, backupScheduleRemoved: scheduleRemoved },
    );
  }

  /** R-OP-3: a snapshot of the source, then the clone with its own address. */
  private async cloneVm(p: Params, input: RunOperationInput, work: Work): Promise<OperationOutcome> {
    const source = String(p.sourceVm);
    const name = String(p.newName);
    await this.assertNameFree(name, input.key);
    if (!(await this.hypervisor.getVm(source))) throw new ProviderError('not_found', `複製元の仮想マシン ${source} が見つかりません / no VM named ${source}`);
    const snapshot = await this.hypervisor.snapshot(source, `before-clone-${input.caseNumber}`, { key: `${input.key}:snapshot`, ...work });
    const vm = await this.hypervisor.clone(source, name, { key: input.key, ...work });
    const assetId = await this.registerAsset(vm, input);
    return this.outcome(
      `仮想マシン ${source} を複製し ${vm.name} を作成しました（スナップショット ${snapshot.id}、ホスト ${vm.host}、IPアドレス ${vm.address}）`,
      `VM ${source} cloned as ${vm.name} (snapshot ${snapshot.id}, host ${vm.host}, address ${vm.address})`,
      { ...vmResult(vm), sourceVm: source, snapshotId: snapshot.id, inventoryAssetId: assetId },
    );
  }

  /** R-OP-4: growth while running; CPU or memory shrink with a power cycle. */
  private async resizeVm(p: Params, input: RunOperationInput, work: Work): Promise<OperationOutcome> {
    const name = String(p.vmName);
    const before = await this.hypervisor.getVm(name);
    if (!before) throw new ProviderError('not_found', `仮想マシン ${name} が見つかりません / no VM named ${name}`);
    const change = Object.fromEntries((['cpu', 'memoryGiB', 'diskGiB'] as const).filter((k) => typeof p[k] === 'number').map((k) => [k, p[k] as number]));
    const created = await this.created(input.key);
    const shrinks = (change.cpu ?? before.cpu) < before.cpu || (change.memoryGiB ?? before.memoryGiB) < before.memoryGiB;
    let restarted = Boolean(created.poweredOff);
    if (shrinks && before.power === 'on') {
      await this.remember(input.key, { poweredOff: true, before: vmResult(before) });
      await this.hypervisor.setPower(name, 'off', { key: `${input.key}:power-off`, ...work });
      restarted = true;
    }
    const after = await this.hypervisor.resize(name, change, { key: `${input.key}:resize`, ...work });
    const final = restarted ? await this.hypervisor.setPower(name, 'on', { key: `${input.key}:power-on`, ...work }) : after;
    const was = (created.before as ReturnType<typeof vmResult> | undefined) ?? vmResult(before);
    return this.outcome(
      `仮想マシン ${name} のリソースを変更しました（${was.cpu}→${final.cpu} vCPU、メモリ ${was.memoryGiB}→${final.memoryGiB} GiB、ディスク ${was.diskGiB}→${final.diskGiB} GiB${restarted ? '、停止・再起動あり' : ''}）`,
      `VM ${name} resized (${was.cpu}→${final.cpu} vCPU, ${was.memoryGiB}→${final.memoryGiB} GiB memory, ${was.diskGiB}→${final.diskGiB} GiB disk${restarted ? ', with a power cycle' : ''})`,
      { ...vmResult(final), before: { cpu: was.cpu, memoryGiB: was.memoryGiB, diskGiB: was.diskGiB }, restarted },
    );
  }

  /** R-OP-7 for VMs; physical devices are done by hand. */
  private async powerDevice(p: Params, input: RunOperationInput, work: Work): Promise<OperationOutcome> {
    const name = String(p.hostname);
    const action = String(p.action);
    const vm = await this.hypervisor.getVm(name);
    if (!vm) {
      return {
        handledBy: 'manual', simulated: false, results: { hostname: name, action, handledBy: 'manual' },
        summaryJa: `${name} は仮想化基盤の仮想マシンではないため、運用保守事業者が手作業で実施します`,
        summaryEn: `${name} is not a VM of the virtualization platform: the operator does it by hand`,
      };
    }
    let last: VmInfo = vm;
    if (action === 'stop' || action === 'restart') last = await this.hypervisor.setPower(name, 'off', { key: `${input.key}:off`, ...work });
    if (action === 'start' || action === 'restart') last = await this.hypervisor.setPower(name, 'on', { key: `${input.key}:on`, ...work });
    const label = { stop: ['停止', 'stopped'], start: ['起動', 'started'], restart: ['再起動', 'restarted'] }[action] ?? [action, action];
    return this.outcome(`仮想マシン ${name} を${label[0]}しました（電源: ${last.power}）`, `VM ${name} ${label[1]} (power ${last.power})`, { ...vmResult(last), action });
  }

  /** R-OP-5: a database owned by a new login role; the password only through the one-time secret. */
  private async provideDatabase(p: Params, input: RunOperationInput, work: Work): Promise<OperationOutcome> {
    const name = String(p.databaseName);
    this.assertNotSystemDatabase(name);
    const sizeClass = String(p.sizeClass);
    const limit = CONNECTION_LIMITS[sizeClass] ?? CONNECTION_LIMITS.small;
    const role = ownerRoleName(name);
    await this.platform.createDatabase(name, { connectionLimit: limit }, { key: input.key, ...work });
    work.progress?.({ step: 'create_role', percent: 40 });
    const password = randomBytes(24).toString('base64url');
    await this.platform.createLoginRole(role, { password, connectionLimit: limit }, { key: input.key, ...work });
    work.progress?.({ step: 'assign_owner', percent: 60 });
    await this.platform.assignOwner(name, role, { key: input.key, ...work });
    work.progress?.({ step: 'verify_login', percent: 80 });
    if (!(await this.platform.checkLogin(name, role, password))) {
      throw new ProviderError('fault', `作成した資格情報で ${name} に接続できません / the new credentials do not open ${name}`);
    }
    const { host, port } = this.platform.description;
    await this.vault.store({ key: input.key, caseId: input.caseId, departmentId: input.departmentId, value: { host, port, database: name, username: role, password, connectionLimit: limit } });
    return this.outcome(
      `データベース ${name} を作成しました（ホスト ${host}:${port}、所有ロール ${role}、最大接続数 ${limit}）。パスワードは依頼元の所管課が一度だけ取得できます`,
      `Database ${name} created (host ${host}:${port}, owner role ${role}, connection limit ${limit}). The requesting department can fetch the password once`,
      { databaseName: name, host, port, owner: role, sizeClass, connectionLimit: limit, credentials: { delivery: 'one-time', path: `/api/cases/${input.caseNumber}/credentials` } },
      false,
    );
  }

  /** R-OP-6: confirmed by name, never a protected one, a final backup first, then drop with its role. */
  private async deleteDatabase(p: Params, input: RunOperationInput, work: Work): Promise<OperationOutcome> {
    const name = String(p.databaseName);
    if (p.confirmName !== name) throw new ProviderError('invalid', `確認のための名前が一致しません / confirmName must equal ${name}`);
    this.assertNotSystemDatabase(name);
    const asset = await this.em.fork().findOne(Asset, { hostname: { $in: [name, name.replace(/_/g, '-')] }, protected: true });
    if (asset) throw protectedTarget(name);
    const created = await this.created(input.key);
    const db = await this.platform.getDatabase(name);
    if (!db && !created.finalBackupId) throw new ProviderError('not_found', `データベース ${name} が見つかりません / no database named ${name}`);
    const backup = await this.backups.backup(
      { targetKind: 'database', targetName: name, key: `${input.key}:final-backup`, reason: 'final', retentionDays: this.config.operations.backup.finalRetentionDays, requestedBy: requester(input), caseNumber: input.caseNumber },
      work,
    );
    const owner = db?.owner ?? (typeof created.owner === 'string' ? created.owner : null);
    await this.remember(input.key, { finalBackupId: backup.backupId, owner });
    work.progress?.({ step: 'drop_database', percent: 80 });
    await this.platform.dropDatabase(name, { key: input.key, ...work });
    let roleDropped = false;
    const role = owner ? await this.platform.getRole(owner) : null;
    // Only a role opsdesk made for this database goes with it; a shared or pre-existing one stays.
    if (role && role.createdByKey) {
      try {
        await this.platform.dropRole(role.name, { key: input.key });
        roleDropped = true;
      } catch {
        roleDropped = false;
      }
    }
    const scheduleRemoved = await this.scheduler.remove('database', name);
    return this.outcome(
      `データベース ${name} を削除しました（最終バックアップ ${backup.backupId}、sha256 ${backup.sha256}${roleDropped ? `、ロール ${owner} も削除` : ''}）`,
      `Database ${name} dropped (final backup ${backup.backupId}, sha256 ${backup.sha256}${roleDropped ? `, role ${owner} dropped` : ''})`,
      { databaseName: name, dropped: true, finalBackupId: backup.backupId, finalBackupSha256: backup.sha256, finalBackupBytes: backup.sizeBytes, roleDropped, backupScheduleRemoved: scheduleRemoved },
      false,
    );
  }

  /** R-OP-8 / R-SCHED-2: a Temporal Schedule per target. */
  private async configureBackup(p: Params, input: RunOperationInput): Promise<OperationOutcome> {
    const kind = p.target === 'vm' ? 'vm' : 'database';
    const name = targetName(kind, p.targetName);
    if (kind === 'vm' ? !(await this.hypervisor.getVm(name)) : !(await this.platform.getDatabase(name))) {
      throw new ProviderError('not_found', `バックアップ対象 ${name} が見つかりません / no ${kind} named ${name}`);
    }
    if (kind === 'database') this.assertNotSystemDatabase(name);
    const schedule = await this.scheduler.configure({ targetKind: kind, targetName: name, cron: String(p.schedule), retentionDays: Number(p.retentionDays), configuredBy: input.caseNumber });
    return this.outcome(
      `${name} のバックアップを設定しました（スケジュール「${schedule.cron}」Asia/Tokyo、保存 ${schedule.retentionDays} 日、次回 ${schedule.nextRuns[0] ?? '-'}）`,
      `Backups of ${name} scheduled ("${schedule.cron}" Asia/Tokyo, kept ${schedule.retentionDays} days, next ${schedule.nextRuns[0] ?? '-'})`,
      { target: kind, targetName: name, ...schedule },
      kind === 'vm',
    );
  }

  /** R-OP-9: from a verified backup file; the result is checked against what the backup holds. */
  private async restore(p: Params, input: RunOperationInput, work: Work): Promise<OperationOutcome> {
    const kind: BackupTargetKind = p.target === 'vm' ? 'vm' : 'database';
    const name = targetName(kind, p.targetName);
    const restoreAs = typeof p.restoreAs === 'string' && p.restoreAs ? targetName(kind, p.restoreAs) : null;
    const record = await this.backups.pick(kind, name, typeof p.backupId === 'string' && p.backupId ? p.backupId : null);
    work.progress?.({ step: 'verify_backup', percent: 5 });
    const file = await this.backups.verifyFile(record);
    return kind === 'database' ? this.restoreDatabase(record, file, name, restoreAs, input, work) : this.restoreVm(record, file, name, restoreAs, input, work);
  }

  private async restoreDatabase(record: BackupRecord, file: string, name: string, restoreAs: string | null, input: RunOperationInput, work: Work): Promise<OperationOutcome> {
    const expected = (record.contents?.fingerprint ?? null) as DataFingerprint | null;
    if (!expected) throw new ProviderError('invalid', `バックアップ ${record.id} にデータの指紋がありません / backup ${record.id} has no data fingerprint`);
    const target = restoreAs ?? name;
    this.assertNotSystemDatabase(target);
    const created = await this.created(input.key);
    const original = await this.platform.getDatabase(name);
    const existingTarget = restoreAs ? await this.platform.getDatabase(restoreAs) : original;
    let safetyBackupId: string | null = null;

    /** Creates `database` for this key, loads the dump into it and gives it the original's owner. */
    const load = async (database: string, key: string) => {
      await this.platform.createDatabase(database, { connectionLimit: original?.connectionLimit ?? CONNECTION_LIMITS.small }, { key, ...work });
      const current = await this.platform.fingerprint(database);
      if (current.digest !== expected.digest) {
        if (current.tables.length > 0) {
          // A half-finished earlier attempt: start this database again.
          await this.platform.dropDatabase(database, { key });
          await this.platform.createDatabase(database, { connectionLimit: original?.connectionLimit ?? CONNECTION_LIMITS.small }, { key, ...work });
        }
        const ownerRole = original ? await this.platform.getRole(original.owner) : null;
        work.progress?.({ step: 'pg_restore', percent: 40 });
        await this.platform.restore(file, database, { noOwner: !ownerRole }, { key, ...work });
        if (ownerRole && original) await this.platform.assignOwner(database, ownerRole.name, { key });
      }
    };

    if (restoreAs || !original) {
      if (existingTarget && existingTarget.createdByKey !== `${input.key}:target`) {
        throw new ProviderError('conflict', `リストア先のデータベース ${target} は既に存在します / the database ${target} already exists`);
      }
      await load(target, `${input.key}:target`);
    } else if (!created.swapped) {
      // Over the original: a safety backup, the restore into a staging database, verification, then a swap.
      const safety = await this.backups.backup(
        { targetKind: 'database', targetName: name, key: `${input.key}:pre-restore`, reason: 'pre_restore', retentionDays: this.config.operations.backup.preRestoreRetentionDays, requestedBy: requester(input), caseNumber: input.caseNumber },
        work,
      );
      safetyBackupId = safety.backupId;
      await this.remember(input.key, { safetyBackupId });
      const hash = createHash('sha256').update(input.key).digest('hex').slice(0, 16);
      const staging = `opsdesk_rst_${hash}`;
      const retired = `opsdesk_old_${hash}`;
      await load(staging, `${input.key}:staging`);
      const staged = await this.platform.fingerprint(staging);
      if (staged.digest !== expected.digest) throw verificationFailed(record.id, staged, expected);
      await this.remember(input.key, { staging, retired });
      work.progress?.({ step: 'swap', percent: 90 });
      await this.platform.renameDatabase(name, retired, { key: input.key });
      await this.platform.renameDatabase(staging, name, { key: input.key });
      await this.remember(input.key, { swapped: true });
    }
    if (created.swapped || (!restoreAs && original)) {
      const retired = String((await this.created(input.key)).retired);
      if (await this.platform.getDatabase(retired)) await this.platform.dropDatabase(retired, { key: input.key });
      safetyBackupId ??= typeof created.safetyBackupId === 'string' ? created.safetyBackupId : null;
    }
    work.progress?.({ step: 'verify', percent: 95 });
    const actual = await this.platform.fingerprint(target);
    if (actual.digest !== expected.digest) throw verificationFailed(record.id, actual, expected);
    const rows = actual.tables.reduce((n, t) => n + t.rows, 0);
    return this.outcome(
      `バックアップ ${record.id} からデータベース ${target} へリストアし、内容を検証しました（${actual.tables.length} テーブル、${rows} 行、指紋一致）`,
      `Restored backup ${record.id} into database ${target} and verified it (${actual.tables.length} tables, ${rows} rows, fingerprint matches)`,
      {
        target: 'database', targetName: name, restoredAs: target, backupId: record.id, backupSha256: record.sha256, safetyBackupId,
        verified: { tables: actual.tables.length, rows, digest: actual.digest },
      },
      false,
    );
  }

  private async restoreVm(record: BackupRecord, file: string, name: string, restoreAs: string | null, input: RunOperationInput, work: Work): Promise<OperationOutcome> {
    const manifest = (record.contents?.manifest ?? null) as VmExportManifest | null;
    if (!manifest) throw new ProviderError('invalid', `バックアップ ${record.id} にエクスポートの目録がありません / backup ${record.id} has no export manifest`);
    const original = await this.hypervisor.getVm(name);
    let safetyBackupId: string | null = null;
    let vm: RestoredVm;
    if (restoreAs || !original) {
      const target = restoreAs ?? name;
      await this.assertNameFree(target, input.key);
      vm = await this.hypervisor.restore(name, { exportFile: file }, { key: input.key, asName: target, ...work });
      if (restoreAs) await this.registerAsset(vm, input);
    } else {
      const safety = await this.backups.backup(
        { targetKind: 'vm', targetName: name, key: `${input.key}:pre-restore`, reason: 'pre_restore', retentionDays: this.config.operations.backup.preRestoreRetentionDays, requestedBy: requester(input), caseNumber: input.caseNumber },
        work,
      );
      safetyBackupId = safety.backupId;
      await this.remember(input.key, { safetyBackupId });
      vm = await this.hypervisor.restore(name, { exportFile: file }, { key: input.key, ...work });
    }
    const check = checkRestoredVm(vm, manifest);
    if (check.problems.length) {
      throw new ProviderError('fault', `リストア後の検証に失敗しました（${check.problems.join(', ')}） / the restored VM does not match backup ${record.id}: ${check.problems.join(', ')}`);
    }
    return this.outcome(
      `バックアップ ${record.id} から仮想マシン ${vm.name} をリストアし、${check.summaryJa}（IPアドレス ${vm.address}）`,
      `Restored VM ${vm.name} from backup ${record.id} and ${check.summaryEn} (address ${vm.address})`,
      {
        ...vmResult(vm), target: 'vm', targetName: name, restoredAs: vm.name, backupId: record.id, backupSha256: record.sha256, safetyBackupId, verified: check.verified,
        ...(check.notVerified ? { notVerified: check.notVerified } : {}),
      },
    );
  }

  // ---- helpers -----------------------------------------------------------------------------

  /** Puts the original VM back after a failed restore over it, where the adapter can; true when it did something. */
  private async undoVmRestore(name: string, key: string, undone: string[]): Promise<boolean> {
    if (!hasRestoreUndo(this.hypervisor)) return false;
    const done = await this.hypervisor.undoRestore(name, { key });
    undone.push(...done);
    return done.length > 0;
  }

  private outcome(summaryJa: string, summaryEn: string, results: Record<string, unknown>, onHypervisor = true): OperationOutcome {
    const simulated = onHypervisor && this.hypervisor.description.simulated;
    return {
      handledBy: 'automation',
      simulated,
      summaryJa: simulated ? `${summaryJa}【${this.hypervisor.description.labelJa}】` : summaryJa,
      summaryEn: simulated ? `${summaryEn} [${this.hypervisor.description.labelEn}]` : summaryEn,
      results: simulated ? { ...results, simulated: true, platform: this.hypervisor.description.labelEn } : results,
    };
  }

  private async created(key: string): Promise<Created> {
    return (await this.em.fork().findOne(OperationRun, { key }))?.created ?? {};
  }

  private async remember(key: string, values: Created): Promise<void> {
    await this.em.fork().execute(`update operation_run set created = created || ?::jsonb, updated_at = now() where key = ?`, [JSON.stringify(values), key]);
  }

  /** A new VM's name must not be an inventory entry someone else made. */
  private async assertNameFree(name: string, key: string): Promise<void> {
    const asset = await this.em.fork().findOne(Asset, { hostname: name });
    if (!asset) return;
    const created = await this.created(key);
    if (created.assetId === asset.id) return;
    throw new ProviderError('conflict', `構成管理台帳に ${name} が登録済みです / ${name} is already in the inventory`);
  }

  /** Adds a VM this run made to the inventory (CMDB) of the requesting department. */
  private async registerAsset(vm: VmInfo, input: RunOperationInput): Promise<string | null> {
    const existing = await this.em.fork().findOne(Asset, { hostname: vm.name });
    if (existing) return (await this.created(input.key)).assetId === existing.id ? existing.id : null;
    const asset = await this.inventory.create({
      hostname: vm.name, kind: 'vm', subPlatform: 'virtualization', address: vm.address, businessSystems: vm.businessSystem ? [vm.businessSystem] : [],
      departmentIds: input.departmentId ? [input.departmentId] : [], protected: false,
      notes: `${input.caseNumber} により自動で作成（${this.hypervisor.description.labelJa}）`,
    });
    await this.remember(input.key, { assetId: asset.id });
    return asset.id;
  }

  private async removeAsset(id: string): Promise<boolean> {
    const em = this.em.fork();
    const asset = await em.findOne(Asset, { id }, { populate: ['departments'] });
    if (!asset || asset.protected) return false;
    em.remove(asset);
    await em.flush();
    return true;
  }

  private assertNotSystemDatabase(name: string): void {
    if (this.config.operations.databasePlatform.protectedDatabases.includes(name) || name.startsWith('opsdesk_')) {
      throw new ProviderError('protected', `${name} はシステムのデータベースのため操作できません / ${name} is a system database and is never touched`);
    }
  }
}

/** The login role that owns a provided database. */
export function ownerRoleName(database: string): string {
  return `${database.slice(0, 57)}_owner`;
}

/** A backup target's name must be a VM (host) name or a database name: it becomes a folder of the store. */
function targetName(kind: BackupTargetKind, value: unknown): string {
  const name = String(value);
  const pattern = kind === 'vm' ? /^[a-z][a-z0-9-]{1,62}$/ : /^[a-z][a-z0-9_]{1,62}$/;
  if (!pattern.test(name)) {
    throw new ProviderError('invalid', `${name} は${kind === 'vm' ? '仮想マシン' : 'データベース'}の名前ではありません / ${name} is not a ${kind === 'vm' ? 'VM' : 'database'} name`);
  }
  return name;
}

function vmResult(vm: VmInfo) {
  return { vmName: vm.name, vmId: vm.id, address: vm.address, host: vm.host, cpu: vm.cpu, memoryGiB: vm.memoryGiB, diskGiB: vm.diskGiB, os: vm.os, power: vm.power };
}

function requester(input: RunOperationInput): string {
  return `${input.caseNumber} (${input.requestedBy})`;
}

function protectedTarget(name: string): ProviderError {
  return new ProviderError('protected', `${name} は構成管理台帳で保護されているため、自動では削除しません / ${name} is protected in the inventory and is never deleted automatically`);
}

function verificationFailed(backupId: string, actual: DataFingerprint, expected: DataFingerprint): ProviderError {
  const differing = expected.tables
    .filter((t) => actual.tables.find((a) => a.table === t.table)?.md5 !== t.md5)
    .map((t) => t.table);
  return new ProviderError('fault', `リストア結果がバックアップ ${backupId} と一致しません（${differing.join(', ') || 'テーブル構成'}） / the restored data differs from backup ${backupId}: ${differing.join(', ') || 'tables'}`);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
