import 'reflect-metadata';
import { PROTOCOL_SMOKE } from '@mcp/protocol';
import { Injectable } from '@nestjs/common';
@Injectable()
export class X { constructor() { void PROTOCOL_SMOKE; } }
process.stdout.write(String(Reflect.getMetadata('design:paramtypes', X)) + PROTOCOL_SMOKE + '\n');
