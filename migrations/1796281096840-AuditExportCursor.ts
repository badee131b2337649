import { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditExportCursor1796281096840 implements MigrationInterface {
  name = 'AuditExportCursor1796281096840';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"audit_export_cursor\" (\"sink\" character varying(100) NOT NULL, \"last_seq\" bigint NOT NULL, \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"pk_audit_export_cursor\" PRIMARY KEY (\"sink\"))");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE \"audit_export_cursor\"");
  }
}
