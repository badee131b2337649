import { MigrationInterface, QueryRunner } from 'typeorm';

export class Register1795412683055 implements MigrationInterface {
  name = 'Register1795412683055';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"data_category\" (\"key\" character varying(64) NOT NULL, \"title\" character varying(200) NOT NULL, \"description\" text NOT NULL DEFAULT '', \"special\" boolean NOT NULL DEFAULT false, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_2c9947c05f9138694a1dfc229a6\" PRIMARY KEY (\"key\"))");
    await queryRunner.query("CREATE TABLE \"register_record\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"kind\" character varying(20) NOT NULL, \"current_version\" integer NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_965d6d754b49ee3ec90ac83d313\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"register_record_version\" (\"record_id\" uuid NOT NULL, \"version\" integer NOT NULL, \"document\" jsonb NOT NULL, \"changed\" text array NOT NULL, \"changed_by\" character varying(200) NOT NULL, \"changed_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_2271b80ba4e62cc1fe13f6a1139\" PRIMARY KEY (\"record_id\", \"version\"))");
    await queryRunner.query("CREATE INDEX \"idx_register_version_time\" ON \"register_record_version\"  (\"record_id\", \"changed_at\") ");
    // Hand-written: register versions are the history auditors rely on; they never change.
    await queryRunner.query("CREATE TRIGGER register_version_append_only BEFORE UPDATE OR DELETE ON register_record_version FOR EACH ROW EXECUTE FUNCTION lethe_reject_change()");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TRIGGER register_version_append_only ON register_record_version");
    await queryRunner.query("DROP INDEX \"public\".\"idx_register_version_time\"");
    await queryRunner.query("DROP TABLE \"register_record_version\"");
    await queryRunner.query("DROP TABLE \"register_record\"");
    await queryRunner.query("DROP TABLE \"data_category\"");
  }
}
