import { MigrationInterface, QueryRunner } from 'typeorm';

export class Workflows1795417858318 implements MigrationInterface {
  name = 'Workflows1795417858318';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"workflow_step\" (\"key\" character varying(160) NOT NULL, \"request_id\" uuid NOT NULL, \"step\" character varying(20) NOT NULL, \"store_id\" character varying(64) NOT NULL, \"status\" character varying(12) NOT NULL, \"attempts\" integer NOT NULL DEFAULT '0', \"last_error\" character varying(500), \"result\" jsonb, \"waived_reason\" character varying(2000), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_511ae758cda7147f6a05388cdce\" PRIMARY KEY (\"key\"))");
    await queryRunner.query("CREATE INDEX \"idx_workflow_step_request\" ON \"workflow_step\"  (\"request_id\", \"created_at\") ");
    await queryRunner.query("CREATE TABLE \"export_package\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"request_id\" uuid NOT NULL, \"kind\" character varying(12) NOT NULL, \"file_name\" character varying(200) NOT NULL, \"sha256\" character varying(64) NOT NULL, \"bytes\" bigint NOT NULL, \"expires_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"max_downloads\" integer NOT NULL, \"downloads\" integer NOT NULL DEFAULT '0', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"deleted_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"PK_1de2cfb41eca2934f7a54322300\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_export_package_request\" ON \"export_package\"  (\"request_id\") ");
    await queryRunner.query("CREATE TABLE \"recipient_notice\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"request_id\" uuid NOT NULL, \"action\" character varying(30) NOT NULL, \"recipient\" character varying(200) NOT NULL, \"data_categories\" text array NOT NULL, \"channel\" character varying(10) NOT NULL, \"status\" character varying(12) NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"sent_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"PK_39a1f2f4e403d5560ae192cd58f\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_recipient_notice\" ON \"recipient_notice\"  (\"request_id\", \"action\", \"recipient\") ");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"uq_recipient_notice\"");
    await queryRunner.query("DROP TABLE \"recipient_notice\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_export_package_request\"");
    await queryRunner.query("DROP TABLE \"export_package\"");
    await queryRunner.query("DROP INDEX \"public\".\"idx_workflow_step_request\"");
    await queryRunner.query("DROP TABLE \"workflow_step\"");
  }
}
