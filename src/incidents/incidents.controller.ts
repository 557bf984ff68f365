import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { AlertSourceGuard, CurrentAlertSource } from '../alert-sources/alert-source.guard';
import type { AlertSource } from '../alert-sources/alert-source.entity';
import { CurrentActor, Public, Roles, type Actor } from '../identity/current-user';
import { parseAlertPayload } from './alert-payload';
import { ReportIncidentDto } from './dto/incident.dto';
import { IncidentsService } from './incidents.service';

@ApiTags('incidents')
@Controller('api')
export class IncidentsController {
  constructor(private readonly incidents: IncidentsService) {}

  /**
   * Monitoring posts here with its alert-source token: a Prometheus Alertmanager webhook (v4, many
   * alerts per call) or `{ source, hostname, alertName, severity, summary, detectedAt }`.
   */
  @Public()
  @UseGuards(AlertSourceGuard)
  @ApiBearerAuth()
  @ApiBody({ schema: { type: 'object', description: 'Alertmanager webhook v4 or a plain alert' } })
  @Post('alerts')
  @HttpCode(202)
  async alerts(@Body() body: unknown, @CurrentAlertSource() source: AlertSource) {
    const alerts = parseAlertPayload(body);
    return { results: await this.incidents.ingestAlerts(alerts, source.name) };
  }

  @ApiBearerAuth()
  @Roles('operator', 'general_affairs')
  @Post('incidents')
  report(@CurrentActor() actor: Actor, @Body() body: ReportIncidentDto) {
    return this.incidents.report(actor, body);
  }
}
