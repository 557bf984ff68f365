import { Module } from '@nestjs/common';
import { AlertSourcesModule } from '../alert-sources/alert-sources.module';
import { IncidentsController } from './incidents.controller';
import { IncidentsService } from './incidents.service';
import { AlertInbox } from './alert-inbox.service';

@Module({ imports: [AlertSourcesModule], controllers: [IncidentsController], providers: [IncidentsService, AlertInbox], exports: [IncidentsService] })
export class IncidentsModule {}
