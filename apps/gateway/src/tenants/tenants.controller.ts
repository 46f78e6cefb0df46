import { Body, Controller, Get, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { CreateTenantBody, ListTenantsQuery } from '@mcp/protocol';
import { parseInput } from '@mcp/platform';
import { OperatorGuard } from '../auth/operator.guard';
import { TenantsService } from './tenants.service';

@Controller('v1/tenants')
@UseGuards(OperatorGuard)
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown) {
    return this.tenants.create(parseInput(CreateTenantBody, body, 'tenant'));
  }

  @Get()
  list(@Query() query: unknown) {
    const { limit, cursor } = parseInput(ListTenantsQuery, query, 'query');
    return this.tenants.list(limit, cursor);
  }
}
