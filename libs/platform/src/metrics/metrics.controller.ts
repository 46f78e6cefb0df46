import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { renderMetrics } from '@mcp/telemetry';

/** Prometheus scrape endpoint. */
@Controller('metrics')
export class MetricsController {
  @Get()
  async scrape(@Res() res: Response): Promise<void> {
    const { contentType, body } = await renderMetrics();
    res.setHeader('Content-Type', contentType);
    res.send(body);
  }
}
