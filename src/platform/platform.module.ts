import { Module } from '@nestjs/common';
import { OperationsCoreModule } from '../operations/operations.module';
import { PlatformController } from './platform.controller';

/** The platform's capacity history (R-RPT-3) over HTTP; the sampling itself runs in the worker (platform-watch.ts). */
@Module({ imports: [OperationsCoreModule], controllers: [PlatformController] })
export class PlatformModule {}
