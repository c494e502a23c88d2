import { Module } from '@nestjs/common';
import { ReadModelModule } from '../read-model/read-model.module';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

/** The analyst reports over the read models. */
@Module({
  imports: [ReadModelModule],
  controllers: [ReportsController],
  providers: [ReportsService],
})
export class ReportsModule {}
