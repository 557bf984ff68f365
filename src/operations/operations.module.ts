import { EntityManager } from '@mikro-orm/postgresql';
import { Module } from '@nestjs/common';
import { Client } from '@temporalio/client';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { InventoryModule } from '../inventory/inventory.module';
import { InventoryService } from '../inventory/inventory.service';
import { MAILER, type Mailer } from '../mail/mail.module';
import { DATABASE_PLATFORM, type DatabasePlatformPort } from '../providers/database-platform.port';
import { HYPERVISOR, type HypervisorPort } from '../providers/hypervisor.port';
import { PostgresDatabasePlatform } from '../providers/postgres/postgres-platform';
import { SimulatedHypervisor } from '../providers/simulator/simulated-hypervisor';
import { VsphereHypervisor } from '../providers/vsphere/vsphere-hypervisor';
import { BackupScheduler } from './backup-schedules';
import { BackupService } from './backup.service';
import { CredentialVault } from './credential-vault';
import { OperationsController } from './operations.controller';
import { OperationsService } from './operations.service';

/**
 * The providers behind the ports, chosen by configuration, and the services built on them. Shared by
 * the worker (activities) and the API (catalog, credentials).
 */
@Module({
  imports: [InventoryModule],
  providers: [
    {
      provide: HYPERVISOR,
      inject: [EntityManager, APP_CONFIG],
      // HYPERVISOR=simulator (embedded default) or vsphere; loadConfig refuses others and checks the VSPHERE_* settings.
      useFactory: (em: EntityManager, config: AppConfig): HypervisorPort => {
        const { adapter, simulator, vsphere } = config.operations.hypervisor;
        if (adapter === 'vsphere' && vsphere) return new VsphereHypervisor(em, vsphere);
        return new SimulatedHypervisor(em, simulator);
      },
    },
    {
      provide: DATABASE_PLATFORM,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): DatabasePlatformPort => new PostgresDatabasePlatform(config.operations.databasePlatform),
    },
    {
      provide: CredentialVault,
      inject: [EntityManager, APP_CONFIG],
      useFactory: (em: EntityManager, config: AppConfig) => new CredentialVault(em, config.operations, config.mode === 'embedded'),
    },
    {
      provide: BackupService,
      inject: [EntityManager, HYPERVISOR, DATABASE_PLATFORM, APP_CONFIG],
      useFactory: (em: EntityManager, hypervisor: HypervisorPort, platform: DatabasePlatformPort, config: AppConfig) =>
        new BackupService(em, hypervisor, platform, config.operations.backup),
    },
    {
      provide: BackupScheduler,
      inject: [EntityManager, Client, APP_CONFIG],
      useFactory: (em: EntityManager, client: Client, config: AppConfig) => new BackupScheduler(em, () => client, config.temporal.taskQueue),
    },
    {
      provide: OperationsService,
      inject: [EntityManager, HYPERVISOR, DATABASE_PLATFORM, BackupService, BackupScheduler, CredentialVault, InventoryService, MAILER, APP_CONFIG],
      useFactory: (
        em: EntityManager, hypervisor: HypervisorPort, platform: DatabasePlatformPort, backups: BackupService, scheduler: BackupScheduler,
        vault: CredentialVault, inventory: InventoryService, mailer: Mailer, config: AppConfig,
      ) => new OperationsService(em, hypervisor, platform, backups, scheduler, vault, inventory, mailer, config),
    },
  ],
  exports: [HYPERVISOR, DATABASE_PLATFORM, CredentialVault, BackupService, BackupScheduler, OperationsService],
})
export class OperationsCoreModule {}

/** The API side: the backup catalog, the platform view and the one-time credentials. */
@Module({
  imports: [OperationsCoreModule],
  controllers: [OperationsController],
})
export class OperationsModule {}
