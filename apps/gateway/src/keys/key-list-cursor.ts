import { InvalidInputError } from '@mcp/protocol';

/** Where a page of keys ended: keys are listed by creation time, then id. */
export interface KeyListPosition {
  createdAt: Date;
  id: string;
}

export function encodeKeyCursor(position: KeyListPosition): string {
  return Buffer.from(`${position.createdAt.toISOString()}|${position.id}`, 'utf8').toString(
    'base64url',
  );
}

export function decodeKeyCursor(cursor: string): KeyListPosition {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const [time, id, ...rest] = text.split('|');
  const createdAt = new Date(time ?? '');
  if (
    rest.length > 0 ||
    !id ||
    Number.isNaN(createdAt.getTime()) ||
    encodeKeyCursor({ createdAt, id }) !== cursor
  ) {
    throw new InvalidInputError('The cursor is not one this API handed out.');
  }
  return { createdAt, id };
}
