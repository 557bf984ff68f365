import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../identity/current-user';
import { AgentsService } from './agents.service';
import { DeviceAgentsDto } from './dto/agents.dto';
import { CreateThresholdDto, PatchThresholdDto } from './dto/threshold.dto';
import { MonitoringViewService } from './monitoring-view.service';
import { ThresholdsService } from './thresholds.service';

/** Issue 16: the monitoring page's data, and the thresholds (admins change them). Who may call what: ROUTE_POLICY (src/identity/access-policy.ts). */
@ApiTags('monitoring')
@ApiBearerAuth()
@Controller('api/monitoring')
export class MonitoringController {
  constructor(
    private readonly thresholds: ThresholdsService,
    private readonly view: MonitoringViewService,
    private readonly agents: AgentsService,
  ) {}

  @ApiOperation({ summary: 'How a device\'s agents are reached (node_exporter, mtail, SNMP; the community is never shown)' })
  @Get('devices/:id/agents')
  getAgents(@Param('id') id: string) {
    return this.agents.get(id);
  }

  @ApiOperation({ summary: 'Set a device\'s agents (admin); an SNMP community is stored sealed' })
  @Put('devices/:id/agents')
  putAgents(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: DeviceAgentsDto) {
    return this.agents.put(actor, id, body);
  }

  @ApiOperation({ summary: 'Whether monitoring runs: Prometheus, Alertmanager, the last rule reload' })
  @Get('status')
  status() {
    return this.view.status();
  }

  @ApiOperation({ summary: 'Every visible device: up / down / unknown since when, last RTT, thresholds breached now' })
  @Get('devices')
  devices(@CurrentActor() actor: Actor) {
    return this.view.devices(actor);
  }

  @ApiOperation({ summary: 'A chart of one device: metric ping|rtt|cpu|memory|disk|traffic_in|traffic_out, range 24h|7d' })
  @Get('devices/:id/series')
  series(@CurrentActor() actor: Actor, @Param('id') id: string, @Query('metric') metric: string, @Query('range') range: string) {
    return this.view.series(actor, id, metric ?? 'ping', range ?? '24h');
  }

  @ApiOperation({ summary: 'All thresholds (per device class and per-device overrides)' })
  @Get('thresholds')
  list() {
    return this.thresholds.list();
  }

  @ApiOperation({ summary: 'Every version of a threshold' })
  @Get('thresholds/:id/versions')
  versions(@Param('id') id: string) {
    return this.thresholds.versions(id);
  }

  @ApiOperation({ summary: 'Add a threshold (admin): kind and numbers; checked by promtool, then Prometheus reloads' })
  @Post('thresholds')
  create(@CurrentActor() actor: Actor, @Body() body: CreateThresholdDto) {
    return this.thresholds.create(actor, body);
  }

  @ApiOperation({ summary: 'Change a threshold (admin): a new version; a value Prometheus would refuse is a 422 and nothing changes' })
  @Patch('thresholds/:id')
  patch(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: PatchThresholdDto) {
    return this.thresholds.patch(actor, id, body);
  }

  @ApiOperation({ summary: 'Remove a threshold (admin); its versions stay' })
  @Delete('thresholds/:id')
  @HttpCode(204)
  async remove(@CurrentActor() actor: Actor, @Param('id') id: string) {
    await this.thresholds.remove(actor, id);
  }
}
