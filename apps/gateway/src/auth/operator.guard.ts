import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { UnauthorizedError } from '@mcp/protocol';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config';
import { bearerToken, sameSecret } from './bearer';

/** Lets through only the operator, whose key comes from MCP_ADMIN_KEY. */
@Injectable()
export class OperatorGuard implements CanActivate {
  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const token = bearerToken(request.headers.authorization);
    if (!token)
      throw new UnauthorizedError('Send the operator key as "Authorization: Bearer <key>".');
    if (!sameSecret(token, this.config.MCP_ADMIN_KEY)) {
      throw new UnauthorizedError('The key is not valid for this operation.');
    }
    return true;
  }
}
