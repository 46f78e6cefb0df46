import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A tenant of MCP: the wall around every other resource. */
@Entity({ name: 'tenants' })
export class TenantRecord {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
