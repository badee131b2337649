import { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795408075465 implements MigrationInterface {
  name = 'Initial1795408075465';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"audit_event\" (\"seq\" bigint NOT NULL, \"at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"actor\" character varying(200) NOT NULL, \"action\" character varying(100) NOT NULL, \"target_type\" character varying(50) NOT NULL, \"target_id\" character varying(200), \"details\" jsonb NOT NULL DEFAULT '{}', \"prev_hash\" character(64) NOT NULL, \"hash\" character(64) NOT NULL, CONSTRAINT \"PK_53300da00860bdf4dc3ef7daae6\" PRIMARY KEY (\"seq\"))");
    await queryRunner.query("CREATE INDEX \"idx_audit_event_at\" ON \"audit_event\"  (\"at\") ");
    await queryRunner.query("CREATE INDEX \"idx_audit_event_actor\" ON \"audit_event\"  (\"actor\", \"seq\") ");
    await queryRunner.query("CREATE INDEX \"idx_audit_event_target\" ON \"audit_event\"  (\"target_type\", \"target_id\", \"seq\") ");
    await queryRunner.query("CREATE INDEX \"idx_audit_event_action\" ON \"audit_event\"  (\"action\", \"seq\") ");
    await queryRunner.query("CREATE TABLE \"audit_head\" (\"id\" smallint NOT NULL, \"seq\" bigint NOT NULL, \"hash\" character(64) NOT NULL, CONSTRAINT \"PK_d3ed64edb3e208e83ccb5da589a\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"api_key\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"name\" character varying(100) NOT NULL, \"prefix\" character varying(16) NOT NULL, \"secret_hash\" character(64) NOT NULL, \"roles\" text array NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"created_by\" character varying(200) NOT NULL, \"expires_at\" TIMESTAMP WITH TIME ZONE, \"revoked_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"UQ_b227edd98d489363d65e908e60f\" UNIQUE (\"secret_hash\"), CONSTRAINT \"PK_b1bd840641b8acbaad89c3d8d11\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"idx_api_key_created\" ON \"api_key\"  (\"created_at\", \"id\") ");
    await queryRunner.query("CREATE TABLE \"scheduled_job\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"job_key\" character varying(300) NOT NULL, \"queue\" character varying(60) NOT NULL, \"name\" character varying(100) NOT NULL, \"payload\" jsonb NOT NULL DEFAULT '{}', \"run_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"status\" character varying(20) NOT NULL DEFAULT 'pending', \"attempts\" integer NOT NULL DEFAULT '0', \"last_error\" character varying(500), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"UQ_810fd317e50b25d23dd4c0537ad\" UNIQUE (\"job_key\"), CONSTRAINT \"PK_893185383f029ca8d57bb781fa8\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"idx_scheduled_job_pending\" ON \"scheduled_job\"  (\"run_at\") WHERE status = 'pending'");
    // Hand-written: the genesis of the audit chain, and the database refusing edits to the trail.
    await queryRunner.query("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, repeat('0', 64))");
    await queryRunner.query(`CREATE FUNCTION lethe_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% on % is not allowed: the table is append-only', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query("CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event FOR EACH ROW EXECUTE FUNCTION lethe_reject_change()");
    await queryRunner.query("CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event FOR EACH STATEMENT EXECUTE FUNCTION lethe_reject_change()");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TRIGGER audit_event_no_truncate ON audit_event");
    await queryRunner.query("DROP TRIGGER audit_event_append_only ON audit_event");
    await queryRunner.query("DROP FUNCTION lethe_reject_change()");
    await queryRunner.query("DROP INDEX \"public\".\"idx_scheduled_job_pending\"");
    await queryRunner.query("DROP TABLE \"scheduled_job\"");
    await queryRunner.query("DROP INDEX \"public\".\"idx_api_key_created\"");
    await queryRunner.query("DROP TABLE \"api_key\"");
    await queryRunner.query("DROP TABLE \"audit_head\"");
    await queryRunner.query("DROP INDEX \"public\".\"idx_audit_event_action\"");
    await queryRunner.query("DROP INDEX \"public\".\"idx_audit_event_target\"");
    await queryRunner.query("DROP INDEX \"public\".\"idx_audit_event_actor\"");
    await queryRunner.query("DROP INDEX \"public\".\"idx_audit_event_at\"");
    await queryRunner.query("DROP TABLE \"audit_event\"");
  }
}
