import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { runMigrations } from '@mcp/persistence';
import { SERVICE_LOGGER, type ServiceLogger } from '../tokens';

export const MIGRATIONS_RUN = Symbol('MigrationsRun');

/**
 * Brings the service's schema up to date before anything reads it. Replicas starting together
 * are serialised by an advisory lock inside runMigrations.
 */
@Injectable()
export class MigrationsOnStart implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(MIGRATIONS_RUN) private readonly enabled: boolean,
    @Inject(SERVICE_LOGGER) private readonly logger: ServiceLogger,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.enabled) return;
    const applied = await runMigrations(this.dataSource, (msg) => this.logger.info(msg));
    this.logger.info({ applied }, `schema up to date (${applied.length} migration(s) applied)`);
  }
}
