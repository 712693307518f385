import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Table `events` (migrations/1764000000000-InitialSchema.ts). */
@Entity({ name: 'events' })
export class SecurityEvent {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id: string;

  @PrimaryColumn({ name: 'ts', type: 'timestamptz' })
  ts: Date;

  @Column({ name: 'received_at', type: 'timestamptz', nullable: false })
  receivedAt: Date;

  @Column({ name: 'sensor_id', type: 'uuid', nullable: false })
  sensorId: string;

  @Column({ name: 'batch_id', type: 'uuid', nullable: false })
  batchId: string;

  @Column({ name: 'source_format', type: 'text', nullable: false })
  sourceFormat: string;

  @Column({ name: 'source_product', type: 'text', nullable: false })
  sourceProduct: string;

  @Column({ name: 'source_log', type: 'text', nullable: false })
  sourceLog: string;

  @Column({ name: 'event_class', type: 'text', nullable: false })
  eventClass: string;

  @Column({ name: 'category', type: 'text', nullable: true })
  category: string | null;

  @Column({ name: 'severity', type: 'smallint', nullable: false })
  severity: number;

  @Column({ name: 'src_ip', type: 'inet', nullable: true })
  srcIp: string | null;

  @Column({ name: 'src_port', type: 'integer', nullable: true })
  srcPort: number | null;

  @Column({ name: 'dst_ip', type: 'inet', nullable: true })
  dstIp: string | null;

  @Column({ name: 'dst_port', type: 'integer', nullable: true })
  dstPort: number | null;

  @Column({ name: 'transport', type: 'text', nullable: true })
  transport: string | null;

  @Column({ name: 'app_protocol', type: 'text', nullable: true })
  appProtocol: string | null;

  @Column({ name: 'community_id', type: 'text', nullable: true })
  communityId: string | null;

  @Column({ name: 'signature', type: 'text', nullable: true })
  signature: string | null;

  @Column({ name: 'signature_id', type: 'text', nullable: true })
  signatureId: string | null;

  @Column({ name: 'attack_ids', type: 'text', array: true, nullable: true })
  attackIds: string[] | null;

  @Column({ name: 'ot_protocol', type: 'text', nullable: true })
  otProtocol: string | null;

  @Column({ name: 'ot_function', type: 'text', nullable: true })
  otFunction: string | null;

  @Column({ name: 'ot_function_code', type: 'integer', nullable: true })
  otFunctionCode: number | null;

  @Column({ name: 'ot_unit_id', type: 'integer', nullable: true })
  otUnitId: number | null;

  @Column({ name: 'ot_operation', type: 'text', nullable: true })
  otOperation: string | null;

  @Column({ name: 'message', type: 'text', nullable: true })
  message: string | null;

  @Column({ name: 'raw', type: 'jsonb', nullable: false })
  raw: Record<string, unknown>;
}
