import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { HealthService } from './health.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Every part reachable and a worker polling: 200, else 503 naming the failing part. */
  @Get()
  async full(@Res() response: Response): Promise<void> {
    const report = await this.health.report();
    response.status(report.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(report);
  }

  /** Liveness for orchestrators: the process answers. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Readiness: the parts this API process needs to serve requests. */
  @Get('ready')
  async ready(@Res() response: Response): Promise<void> {
    // Only what serving a request needs: a mail relay outage must not take the API out of rotation
    // (mail is sent by the worker's activities, which retry until the relay is back).
    const { database, temporal, smtp } = await this.health.report();
    const ready = database === 'ok' && temporal === 'ok';
    response.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json({ status: ready ? 'ok' : 'unavailable', database, temporal, smtp });
  }
}
