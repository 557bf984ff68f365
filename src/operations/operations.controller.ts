import { EntityManager } from '@mikro-orm/postgresql';
import { Controller, Get, Header, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { assertCanSee } from '../cases/case-access';
import { CaseRecord } from '../cases/case-record.entity';
import { conflict, forbidden, notFound } from '../common/errors';
import { CurrentActor, type Actor } from '../identity/current-user';
import { DATABASE_PLATFORM, type DatabasePlatformPort } from '../providers/database-platform.port';
import { HYPERVISOR, type HypervisorPort } from '../providers/hypervisor.port';
import { BackupScheduler } from './backup-schedules';
import { BackupService } from './backup.service';
import { CredentialVault } from './credential-vault';
import { ListBackupsQuery } from './dto/operations.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@ApiTags('operations')
@ApiBearerAuth()
@Controller('api')
export class OperationsController {
  constructor(
    private readonly em: EntityManager,
    private readonly vault: CredentialVault,
    private readonly backups: BackupService,
    private readonly scheduler: BackupScheduler,
    @Inject(HYPERVISOR) private readonly hypervisor: HypervisorPort,
    @Inject(DATABASE_PLATFORM) private readonly platform: DatabasePlatformPort,
  ) {}

  /**
   * R-OP-5: the new database's connection details with its password, for the requesting
   * department, once. The first read erases it; later reads answer 409 with who read it when.
   */
  @Get('cases/:id/credentials')
  @Header('Cache-Control', 'no-store')
  async credentials(@CurrentActor() actor: Actor, @Param('id') id: string) {
    const record = UUID.test(id) ? await this.em.findOne(CaseRecord, { id }) : await this.em.findOne(CaseRecord, { number: id.toUpperCase() });
    if (!record) throw notFound(`Case ${id}`);
    assertCanSee(actor, record);
    if (!actor.departmentId || !record.departmentIds.includes(actor.departmentId)) throw forbidden('Only the requesting department may read these credentials / 依頼元の所管課のみ取得できます');
    const read = await this.vault.readOnce(record.id, `${actor.displayName} (${actor.username})`);
    switch (read.state) {
      case 'ok':
        return { caseNumber: record.number, ...read.value, retrievedAt: new Date().toISOString(), noticeJa: 'この画面を閉じると再表示できません。安全に保管してください', noticeEn: 'Shown once: store it safely now' };
      case 'already_read':
        throw conflict(`接続情報は ${read.readAt} に ${read.readBy ?? '-'} が取得済みです / the credentials were already retrieved at ${read.readAt} by ${read.readBy ?? '-'}`);
      case 'not_yet':
        throw conflict('接続情報はまだ準備中です / the credentials are not ready yet');
      default:
        throw notFound(`Credentials of ${record.number}`);
    }
  }

  /** The backup catalog (R-OP-8): target, time, size, sha256, status, retention, who asked. */
  @Get('backups')
  listBackups(@Query() query: ListBackupsQuery) {
    return this.backups.list(query).then((items) => ({ items }));
  }

  /** Backup schedules (R-SCHED-2), one per target. */
  @Get('backup-policies')
  async policies() {
    const items = await this.scheduler.list();
    return {
      items: items.map((p) => ({
        id: p.id, targetKind: p.targetKind, targetName: p.targetName, cron: p.cron, timezone: p.timezone, retentionDays: p.retentionDays,
        scheduleId: p.scheduleId, active: p.active, configuredBy: p.configuredBy ?? null, updatedAt: p.updatedAt.toISOString(),
      })),
    };
  }

  /** What the operations drive: the hypervisor (labelled when it is the simulator) and the database platform. */
  @Get('platform')
  async platformView() {
    const [hosts, vms] = await Promise.all([this.hypervisor.usage(), this.hypervisor.listVms()]);
    return {
      hypervisor: { ...this.hypervisor.description, hosts, vms },
      databasePlatform: this.platform.description,
    };
  }
}
