import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../identity/current-user';
import { SubmitWorkRequestDto } from './dto/work-request.dto';
import { WorkRequestTypesDto } from './dto/work-request-views.dto';
import { CaseStartedDto } from '../cases/dto/case-views.dto';
import { WorkRequestsService } from './work-requests.service';

@ApiTags('work-requests')
@ApiBearerAuth()
@Controller('api')
export class WorkRequestsController {
  constructor(private readonly requests: WorkRequestsService) {}

  /** The request types with their parameter schemas: the UI builds its forms from these. */
  @Get('work-request-types')
@ApiOkResponse({ type: WorkRequestTypesDto })
  types() {
    return this.requests.types();
  }

  @Post('work-requests')
@ApiCreatedResponse({ type: CaseStartedDto })
  submit(@CurrentActor() actor: Actor, @Body() body: SubmitWorkRequestDto) {
    return this.requests.submit(actor, body);
  }
}
