import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../identity/current-user';
import { CasesService } from './cases.service';
import { ClaimTaskDto, CompleteTaskDto, ContactDto, HoldDto, ListCasesQuery, ListTasksQuery, NoteDto, ResumeDto, TrendsQuery } from './dto/cases.dto';
import { TasksService } from './tasks.service';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('api/cases')
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  /** 作業履歴: search by number, subject or hostname; filter by kind, status and dates; paged. */
  @Get()
  list(@CurrentActor() actor: Actor, @Query() query: ListCasesQuery) {
    return this.cases.list(actor, query);
  }

  /** Exact counts per kind and status of the cases the caller may see (the dashboard's figures). */
  @Get('counts')
  counts(@CurrentActor() actor: Actor) {
    return this.cases.counts(actor);
  }

  /**
   * The dashboard's trends (issue 22), computed in PostgreSQL over the cases the caller may see:
   * cases per week (Japan-time weeks from Monday), SLA met % per month, open cases by age.
   */
  @Get('trends')
  trends(@CurrentActor() actor: Actor, @Query() query: TrendsQuery) {
    return this.cases.trends(actor, query);
  }

  /** The record (R-REC-1..9), the timeline, open and done tasks, and the SLA. */
  @Get(':id')
  detail(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.cases.detail(actor, id);
  }

  @Post(':id/hold')
  @HttpCode(200)
  hold(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: HoldDto) {
    return this.cases.hold(actor, id, body);
  }

  @Post(':id/resume')
  @HttpCode(200)
  resume(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: ResumeDto) {
    return this.cases.resume(actor, id, body);
  }

  @Post(':id/notes')
  addNote(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: NoteDto) {
    return this.cases.addNote(actor, id, body);
  }

  @Post(':id/contacts')
  logContact(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: ContactDto) {
    return this.cases.logContact(actor, id, body);
  }
}

@ApiTags('tasks')
@ApiBearerAuth()
@Controller('api/tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Get()
  list(@CurrentActor() actor: Actor, @Query() query: ListTasksQuery) {
    return this.tasks.list(actor, query);
  }

  /** Wrong role → 403; task done or case moved on → 409; bad outcome or data → 422 naming the field. */
  @Post(':id/complete')
  @HttpCode(200)
  complete(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: CompleteTaskDto) {
    return this.tasks.complete(actor, id, body);
  }

  /** 自分が担当する: others see the step taken; taken by someone else → 409 unless `takeOver`. */
  @Post(':id/claim')
  @HttpCode(200)
  claim(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: ClaimTaskDto) {
    return this.tasks.claim(actor, id, body);
  }

  /** 担当を外す: only the person who holds the step. */
  @Post(':id/release')
  @HttpCode(200)
  release(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.tasks.release(actor, id);
  }
}
