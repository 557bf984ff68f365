import { Module } from '@nestjs/common';
import { DepartmentsController } from './departments.controller';
import { DepartmentsService } from './departments.service';
import { InventoryController } from './inventory.controller';
import { InventoryService } from './inventory.service';

@Module({
  controllers: [InventoryController, DepartmentsController],
  providers: [InventoryService, DepartmentsService],
  exports: [InventoryService, DepartmentsService],
})
export class InventoryModule {}
