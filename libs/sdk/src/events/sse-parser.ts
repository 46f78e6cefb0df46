/**
 * An incremental parser of the Server-Sent Events format (WHATWG HTML, "server-sent events"):
 * text goes in as it arrives, in chunks cut anywhere; complete messages come out.
 */

export interface SseMessage {
  /** The stream's last event id once this message was read (ids persist across messages). */
  lastEventId: string | undefined;
  /** The `event:` field; `message` when there was none. */
  type: string;
  data: string;
}

export interface SseChunkResult {
  messages: SseMessage[];
  /** Set when the chunk carried an id, even one on a message without data. */
  lastEventId: string | undefined;
  /** A `retry:` field, in ms, when the chunk carried one. */
  retryMs?: number;
}

export class SseParser {
  private buffer = '';
  // A CR ending one chunk may be the first half of a CRLF split across two chunks.
  private skipLeadingLf = false;
  private lastEventId: string | undefined;
  private data: string[] = [];
  private type = '';
  private sawData = false;

  constructor(lastEventId?: string) {
    this.lastEventId = lastEventId;
  }

  get currentLastEventId(): string | undefined {
    return this.lastEventId;
  }

  push(chunk: string): SseChunkResult {
    let text = chunk;
    if (this.skipLeadingLf && text.startsWith('\n')) text = text.slice(1);
    this.skipLeadingLf = false;
    this.buffer += text;

    const result: SseChunkResult = { messages: [], lastEventId: undefined };
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const ch = this.buffer[i];
      if (ch !== '\n' && ch !== '\r') continue;
      const line = this.buffer.slice(start, i);
      if (ch === '\r') {
        if (i + 1 < this.buffer.length) {
          if (this.buffer[i + 1] === '\n') i++;
        } else {
          this.skipLeadingLf = true;
        }
      }
      start = i + 1;
      this.line(line, result);
    }
    this.buffer = this.buffer.slice(start);
    return result;
  }

  private line(line: string, result: SseChunkResult): void {
    if (line === '') {
      this.dispatch(result);
      return;
    }
    if (line.startsWith(':')) return; // a comment
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        this.sawData = true;
        break;
      case 'event':
        this.type = value;
        break;
      case 'id':
        if (!value.includes('\u0000')) {
          this.lastEventId = value;
          result.lastEventId = value;
        }
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) result.retryMs = Number(value);
        break;
      default:
        break; // unknown fields are ignored
    }
  }

  private dispatch(result: SseChunkResult): void {
    if (this.sawData) {
      result.messages.push({
        lastEventId: this.lastEventId,
        type: this.type || 'message',
        data: this.data.join('\n'),
      });
    }
    this.data = [];
    this.type = '';
    this.sawData = false;
  }
}
