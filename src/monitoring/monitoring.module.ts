import { Global, Module } from '@nestjs/common';
import { AgentsService } from './agents.service';
import { MonitoringController } from './monitoring.controller';
import { MonitoringViewService } from './monitoring-view.service';
import { MonitoringService } from './monitoring.service';
import { ThresholdsService } from './thresholds.service';

/** Issue 16: Prometheus configured from the inventory, thresholds as data, the monitoring page's API. */
@Global()
@Module({
  controllers: [MonitoringController],
  providers: [MonitoringService, ThresholdsService, MonitoringViewService, AgentsService],
  exports: [MonitoringService, MonitoringViewService],
})
export class MonitoringModule {}
