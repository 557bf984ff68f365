import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { conflict, invalid, notFound } from '../common/errors';
import { Department } from '../identity/department.entity';

export interface DepartmentView {
  id: string;
  code: string;
  nameJa: string;
  nameEn: string;
  email: string;
}

export interface DepartmentInput {
  code: string;
  nameJa: string;
  nameEn: string;
  email: string;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function departmentView(department: Department): DepartmentView {
  return { id: department.id, code: department.code, nameJa: department.nameJa, nameEn: department.nameEn, email: department.email };
}

/** The departments (業務システム所管課) that own business systems; maintained by an admin. */
@Injectable()
export class DepartmentsService {
  constructor(private readonly em: EntityManager) {}

  list(): Promise<Department[]> {
    return this.em.fork().find(Department, {}, { orderBy: { code: 'asc' } });
  }

  async create(input: DepartmentInput): Promise<Department> {
    const em = this.em.fork();
    if (await em.count(Department, { code: input.code })) throw this.duplicate(input.code);
    const department = em.create(Department, { ...input, createdAt: new Date() });
    await this.flush(em, department);
    return department;
  }

  async patch(id: string, patch: Partial<DepartmentInput>): Promise<Department> {
    if (!UUID_PATTERN.test(id)) throw invalid('id', 'id must be a department id (uuid)');
    const em = this.em.fork();
    const department = await em.findOne(Department, { id });
    if (!department) throw notFound(`Department ${id}`);
    if (patch.code !== undefined && patch.code !== department.code && (await em.count(Department, { code: patch.code }))) {
      throw this.duplicate(patch.code);
    }
    for (const key of ['code', 'nameJa', 'nameEn', 'email'] as const) {
      if (patch[key] !== undefined) department[key] = patch[key];
    }
    await this.flush(em, department);
    return department;
  }

  private async flush(em: EntityManager, department: Department): Promise<void> {
    try {
      await em.persist(department).flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw this.duplicate(department.code);
      throw error;
    }
  }

  private duplicate(code: string) {
    return conflict(`A department with the code ${code} already exists / 所管課コード ${code} は登録済みです`);
  }
}
