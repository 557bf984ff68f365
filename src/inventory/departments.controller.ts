import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { departmentView, DepartmentsService, type DepartmentView } from './departments.service';
import { CreateDepartmentDto, PatchDepartmentDto } from './dto/department.dto';
import { DepartmentViewDto } from './dto/inventory-views.dto';

/** The departments (業務システム所管課) that own business systems. */
@ApiTags('departments')
@ApiBearerAuth()
@Controller('api/departments')
export class DepartmentsController {
  constructor(private readonly departments: DepartmentsService) {}

  @ApiOperation({ summary: 'All departments' })
  @Get()
@ApiOkResponse({ type: [DepartmentViewDto] })
  async list(): Promise<DepartmentView[]> {
    return (await this.departments.list()).map(departmentView);
  }

  @ApiOperation({ summary: 'Add a department (admin)' })
  @Post()
@ApiCreatedResponse({ type: DepartmentViewDto })
  async create(@Body() body: CreateDepartmentDto): Promise<DepartmentView> {
    return departmentView(await this.departments.create(body));
  }

  @ApiOperation({ summary: 'Change a department (admin)' })
  @Patch(':id')
@ApiOkResponse({ type: DepartmentViewDto })
  async patch(@Param('id') id: string, @Body() body: PatchDepartmentDto): Promise<DepartmentView> {
    return departmentView(await this.departments.patch(id, body));
  }
}
