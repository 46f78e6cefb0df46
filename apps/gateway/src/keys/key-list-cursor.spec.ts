import { decodeKeyCursor, encodeKeyCursor } from './key-list-cursor';

describe('key list cursors', () => {
  it('round-trips the creation time and id of the last key of a page', () => {
    const position = { createdAt: new Date('2025-03-01T10:00:00.123Z'), id: '0123456789abcdef' };
    expect(decodeKeyCursor(encodeKeyCursor(position))).toEqual(position);
  });

  it('rejects a cursor the API did not hand out', () => {
    expect(() => decodeKeyCursor('')).toThrow('cursor');
    expect(() => decodeKeyCursor('!!!')).toThrow('cursor');
    expect(() => decodeKeyCursor(Buffer.from('yesterday|abc').toString('base64url'))).toThrow(
      'cursor',
    );
    expect(() =>
      decodeKeyCursor(Buffer.from('2025-03-01T10:00:00.123Z|a|b').toString('base64url')),
    ).toThrow('cursor');
  });
});
