import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { departmentView, DepartmentsService, type DepartmentView } from './departments.service';
import { CreateDepartmentDto, PatchDepartmentDto } from './dto/department.dto';

/** The departments (業務システム所管課) that own business systems. */
@ApiTags('departments')
@ApiBearerAuth()
@Controller('api/departments')
export class DepartmentsController {
  constructor(private readonly departments: DepartmentsService) {}

  @ApiOperation({ summary: 'All departments' })
  @Get()
  async list(): Promise<DepartmentView[]> {
    return (await this.departments.list()).map(departmentView);
  }

  @ApiOperation({ summary: 'Add a department (admin)' })
  @Post()
  async create(@Body() body: CreateDepartmentDto): Promise<DepartmentView> {
    return departmentView(await this.departments.create(body));
  }

  @ApiOperation({ summary: 'Change a department (admin)' })
  @Patch(':id')
  async patch(@Param('id') id: string, @Body() body: PatchDepartmentDto): Promise<DepartmentView> {
    return departmentView(await this.departments.patch(id, body));
  }
}
