import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { RegisterDocument } from './register.document.js';

/** The managed taxonomy of personal-data categories the register, purposes and adapters refer to. */
@Entity('data_category')
export class DataCategoryEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  key: string;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'text', default: '' })
  description: string;

  /** Art 9 special category or Art 10 criminal-offence data. */
  @Column({ type: 'boolean', default: false })
  special: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

export type RecordKind = 'activity' | 'processor_record';

/** One Art 30 record: a processing activity (30(1)) or a processor record (30(2)). Its content lives in versions. */
@Entity('register_record')
export class RegisterRecordEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 20 })
  kind: RecordKind;

  @Column({ name: 'current_version', type: 'integer' })
  currentVersion: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** Every version of every record, never changed (a trigger refuses UPDATE and DELETE). */
@Entity('register_record_version')
@Index('idx_register_version_time', ['recordId', 'changedAt'])
export class RegisterVersionEntity {
  @PrimaryColumn({ name: 'record_id', type: 'uuid' })
  recordId: string;

  @PrimaryColumn({ type: 'integer' })
  version: number;

  @Column({ type: 'jsonb' })
  document: RegisterDocument;

  /** Top-level fields that differ from the previous version. */
  @Column({ type: 'text', array: true })
  changed: string[];

  @Column({ name: 'changed_by', type: 'varchar', length: 200 })
  changedBy: string;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt: Date;
}
