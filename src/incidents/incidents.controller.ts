import { Body, Controller, Headers, HttpCode, Post, UseGuards } from '@nestjs/common';
import { invalid } from '../common/errors';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { AlertSourceGuard, CurrentAlertSource } from '../alert-sources/alert-source.guard';
import type { AlertSource } from '../alert-sources/alert-source.entity';
import { CurrentActor, type Actor } from '../identity/current-user';
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
  @UseGuards(AlertSourceGuard)
  @ApiBearerAuth()
  @ApiBody({ schema: { type: 'object', description: 'Alertmanager webhook v4 or a plain alert' } })
  @Post('alerts')
  @HttpCode(202)
  async alerts(@Body() body: unknown, @CurrentAlertSource() source: AlertSource, @Headers('idempotency-key') idempotencyKey?: string) {
    const alerts = parseAlertPayload(body);
    if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > 200)) throw invalid('Idempotency-Key', 'The Idempotency-Key header must be 1 to 200 characters');
    const results = await this.incidents.ingestAlerts(alerts, source.name, idempotencyKey);
    // 202 in every case: the alerts are kept; `queued` ones reach their incident once Temporal takes them.
    return { accepted: results.length, queued: results.filter((r) => r.queued).length, results };
  }

  @ApiBearerAuth()
  @Post('incidents')
  report(@CurrentActor() actor: Actor, @Body() body: ReportIncidentDto) {
    return this.incidents.report(actor, body);
  }
}
