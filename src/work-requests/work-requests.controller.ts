import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../identity/current-user';
import { SubmitWorkRequestDto } from './dto/work-request.dto';
import { WorkRequestsService } from './work-requests.service';

@ApiTags('work-requests')
@ApiBearerAuth()
@Controller('api')
export class WorkRequestsController {
  constructor(private readonly requests: WorkRequestsService) {}

  /** The request types with their parameter schemas: the UI builds its forms from these. */
  @Get('work-request-types')
  types() {
    return this.requests.types();
  }

  @Post('work-requests')
  submit(@CurrentActor() actor: Actor, @Body() body: SubmitWorkRequestDto) {
    return this.requests.submit(actor, body);
  }
}
