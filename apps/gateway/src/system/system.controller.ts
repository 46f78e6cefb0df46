import { Controller, Get, UseGuards } from '@nestjs/common';
import { OperatorGuard } from '../auth/operator.guard';
import { SystemStatusService } from './system-status.service';

@Controller('v1/system')
@UseGuards(OperatorGuard)
export class SystemController {
  constructor(private readonly status: SystemStatusService) {}

  @Get('status')
  current() {
    return this.status.current();
  }
}
