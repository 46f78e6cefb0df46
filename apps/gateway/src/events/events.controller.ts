import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { parseInput } from '@mcp/platform';
import { Caller, RequireScopes, type CallerIdentity } from '../auth';
import { parseEventTypes } from './event-type-filter';
import { EventStreams } from './event-streams.service';
import { StreamPosition } from './stream-position';

const EventsQuery = z.object({
  types: z.string().max(4096).optional(),
});

/**
 * `GET /v1/events`: the caller's tenant's CloudEvents as Server-Sent Events, resumable with
 * `Last-Event-ID`. Errors (bad types or id, missing scope, too many streams) are problem+json
 * before the stream starts.
 */
@Controller('v1/events')
export class EventsController {
  constructor(private readonly streams: EventStreams) {}

  @Get()
  // Any valid tenant key gets this far; the scopes needed depend on the families asked for.
  @RequireScopes()
  async stream(
    @Caller() caller: CallerIdentity,
    @Query() query: unknown,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const { types } = parseInput(EventsQuery, query, 'query');
    const filter = parseEventTypes(types);
    const resumeFrom = lastEventId === undefined ? undefined : StreamPosition.decode(lastEventId);
    await this.streams.open({
      caller,
      filter,
      resumeFrom: resumeFrom?.only(filter.topics),
      response: res,
    });
  }
}
