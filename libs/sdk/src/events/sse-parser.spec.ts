import { SseParser } from './sse-parser';

describe('SseParser', () => {
  it('reads id, event type and data of each message, ignoring comments and unknown fields', () => {
    const parser = new SseParser();
    const out = parser.push(': hello\nid: p1\nevent: mcp.x.v1\nfoo: bar\ndata: {"a":1}\n\n');
    expect(out.messages).toEqual([{ lastEventId: 'p1', type: 'mcp.x.v1', data: '{"a":1}' }]);
  });

  it('reassembles messages cut anywhere across chunks, CRLF split included', () => {
    const text = 'id: 1\r\nevent: e\r\ndata: first\r\n\r\nid: 2\r\ndata: second\r\n\r\n';
    for (let cut = 1; cut < text.length; cut++) {
      const parser = new SseParser();
      const messages = [
        ...parser.push(text.slice(0, cut)).messages,
        ...parser.push(text.slice(cut)).messages,
      ];
      expect(messages).toEqual([
        { lastEventId: '1', type: 'e', data: 'first' },
        { lastEventId: '2', type: 'message', data: 'second' },
      ]);
    }
  });

  it('joins multi-line data with newlines and accepts a bare CR as a line end', () => {
    const parser = new SseParser();
    expect(parser.push('data: a\rdata:b\r\r').messages).toEqual([
      { lastEventId: undefined, type: 'message', data: 'a\nb' },
    ]);
  });

  it('moves the last event id on an id-only message without dispatching anything', () => {
    const parser = new SseParser('start');
    const out = parser.push('retry: 1000\n: positioned\nid: p7\n\n');
    expect(out.messages).toEqual([]);
    expect(out.lastEventId).toBe('p7');
    expect(out.retryMs).toBe(1000);
    expect(parser.currentLastEventId).toBe('p7');
    // A later message without an id of its own carries the last one.
    expect(parser.push('data: x\n\n').messages[0].lastEventId).toBe('p7');
  });

  it('keeps an incomplete message until its blank line arrives', () => {
    const parser = new SseParser();
    expect(parser.push('id: 1\ndata: x\n').messages).toEqual([]);
    expect(parser.push('\n').messages).toHaveLength(1);
  });
});
