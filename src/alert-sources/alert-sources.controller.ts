import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../identity/current-user';
import { alertSourceView, AlertSourcesService, type AlertSourceView } from './alert-sources.service';
import { CreateAlertSourceDto } from './dto/alert-source.dto';

/** Monitoring systems allowed to post alerts, each with its own token (admin only). */
@ApiTags('alert-sources')
@ApiBearerAuth()
@Controller('api/alert-sources')
export class AlertSourcesController {
  constructor(private readonly sources: AlertSourcesService) {}

  @ApiOperation({ summary: 'All alert sources (tokens are never shown again)' })
  @Get()
  async list(): Promise<AlertSourceView[]> {
    return (await this.sources.list()).map(alertSourceView);
  }

  @ApiOperation({ summary: 'Register a monitoring system; the answer carries its token, shown only this once' })
  @Post()
  async create(@Body() body: CreateAlertSourceDto, @CurrentActor() actor: Actor): Promise<AlertSourceView & { token: string }> {
    const { source, token } = await this.sources.create(body.name, actor.username);
    return { ...alertSourceView(source), token };
  }

  @ApiOperation({ summary: 'Revoke a token at once' })
  @Delete(':id')
  @HttpCode(204)
  async revoke(@Param('id') id: string): Promise<void> {
    await this.sources.revoke(id);
  }
}
