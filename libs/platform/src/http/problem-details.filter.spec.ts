import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { ConflictError, ErrorCode } from '@mcp/protocol';
import { toDomainError } from './problem-details.filter';

describe('toDomainError', () => {
  it('keeps a domain error as it is', () => {
    const error = new ConflictError('Tenant "acme" already exists.');
    expect(toDomainError(error)).toBe(error);
  });

  it('turns body-parser failures into invalid input and payload too large', () => {
    expect(toDomainError({ type: 'entity.parse.failed', status: 400 }).code).toBe(
      ErrorCode.InvalidInput,
    );
    expect(toDomainError({ type: 'entity.too.large', status: 413 }).code).toBe(
      ErrorCode.PayloadTooLarge,
    );
  });

  it("maps Nest's own HTTP exceptions by status", () => {
    expect(toDomainError(new NotFoundException('Cannot GET /x')).code).toBe(ErrorCode.NotFound);
    expect(toDomainError(new PayloadTooLargeException()).code).toBe(ErrorCode.PayloadTooLarge);
    expect(toDomainError(new BadRequestException('Unexpected token } in JSON')).code).toBe(
      ErrorCode.InvalidInput,
    );
  });

  it('hides the details of an unexpected error behind a 500', () => {
    const mapped = toDomainError(new Error('connection string postgres://secret@db'));
    expect(mapped.code).toBe(ErrorCode.Internal);
    expect(mapped.status).toBe(500);
    expect(mapped.message).not.toContain('secret');
  });
});
