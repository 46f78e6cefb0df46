import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CreateApiKeyBody, ListApiKeysQuery } from '@mcp/protocol';
import { parseInput } from '@mcp/platform';
import { RequireScopes, TenantFromPath } from '../auth/require-scopes.decorator';
import { ApiKeysService } from './api-keys.service';

/** A tenant's API keys: managed by the operator, or by a key of the tenant with `admin`. */
@Controller('v1/tenants/:tenant/keys')
@TenantFromPath('tenant')
@RequireScopes('admin')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @HttpCode(201)
  create(@Param('tenant') tenant: string, @Body() body: unknown) {
    return this.keys.create(tenant, parseInput(CreateApiKeyBody, body, 'key'));
  }

  @Get()
  list(@Param('tenant') tenant: string, @Query() query: unknown) {
    const { limit, cursor } = parseInput(ListApiKeysQuery, query, 'query');
    return this.keys.list(tenant, limit, cursor);
  }

  @Delete(':keyId')
  @HttpCode(204)
  async revoke(@Param('tenant') tenant: string, @Param('keyId') keyId: string): Promise<void> {
    await this.keys.revoke(tenant, keyId);
  }
}
