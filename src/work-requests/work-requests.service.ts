import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { workflowIds } from '../../workflows/shared/ids';
import { checkRequestParams, REQUEST_TYPES } from '../../workflows/shared/request-types';
import type { WorkRequestInput } from '../../workflows/shared/contracts';
import { actorRef } from '../cases/cases.service';
import { invalid, unprocessable } from '../common/errors';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Department } from '../identity/department.entity';
import type { Actor } from '../identity/current-user';
import { CaseRegistrations } from '../temporal/case-registrations';
import { startWorkflow } from '../temporal/typed-workflows';
import type { SubmitWorkRequestDto } from './dto/work-request.dto';
import { DependencyMonitor } from '../health/dependency-monitor';

@Injectable()
export class WorkRequestsService {
  constructor(
    private readonly em: EntityManager,
    private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dependencies: DependencyMonitor,
    private readonly registrations: CaseRegistrations,
  ) {}

  types() {
    return { items: REQUEST_TYPES, slaBusinessDays: this.config.sla.workRequestBusinessDays };
  }

  /** R-FLOW-2 step 1: everything is checked before anything starts, so a bad request leaves no trace. */
  async submit(actor: Actor, body: SubmitWorkRequestDto) {
    const problem = checkRequestParams(body.type, body.params);
    if (problem) throw unprocessable(problem.message, problem.field);
    const departmentId = actor.roles.includes('department') ? actor.departmentId : body.departmentId;
    if (!departmentId) throw invalid('departmentId', 'departmentId is required when general affairs submits on behalf of a department');
    if (actor.roles.includes('department') && body.departmentId && body.departmentId !== actor.departmentId) {
      throw invalid('departmentId', 'a department submits for itself only');
    }
    const department = await this.em.findOne(Department, { id: departmentId });
    if (!department) throw unprocessable('departmentId does not name a department', 'departmentId');

    const requestId = randomUUID();
    const workflowId = workflowIds.workRequest(requestId, this.config.temporal.workflowIdPrefix);
    const input: WorkRequestInput = {
      requestId, type: body.type, subject: body.subject.trim(), params: body.params, desiredDate: body.desiredDate ?? null, note: body.note ?? null,
      requester: actorRef(actor), departmentId, departmentName: department.nameJa, submittedAt: new Date().toISOString(),
    };
    const handle = await this.dependencies.humanStep(() => startWorkflow(this.temporal, 'workRequestWorkflow', { workflowId, taskQueue: this.config.temporal.taskQueue, args: [input] }));
    const row = await this.registrations.waitForRow(handle.firstExecutionRunId);
    return { workflowId, caseNumber: row?.caseNumber ?? null, caseId: row?.caseId ?? null };
  }
}
