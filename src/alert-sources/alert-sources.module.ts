import { Module } from '@nestjs/common';
import { AlertSourceGuard } from './alert-source.guard';
import { AlertSourcesController } from './alert-sources.controller';
import { AlertSourcesService } from './alert-sources.service';

/** Import it where the alert intake route lives, for AlertSourceGuard. */
@Module({
  controllers: [AlertSourcesController],
  providers: [AlertSourcesService, AlertSourceGuard],
  exports: [AlertSourcesService, AlertSourceGuard],
})
export class AlertSourcesModule {}
