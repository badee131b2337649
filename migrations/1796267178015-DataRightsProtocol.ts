import { MigrationInterface, QueryRunner } from 'typeorm';

export class DataRightsProtocol1796267178015 implements MigrationInterface {
  name = 'DataRightsProtocol1796267178015';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"drp_agent_token\" (\"agent_id\" character varying(100) NOT NULL, \"token_hash\" character varying(64) NOT NULL, \"drp_version\" character varying(20), \"key_fingerprint\" character varying(64) NOT NULL, \"issued_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"pk_drp_agent_token\" PRIMARY KEY (\"agent_id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_drp_agent_token_hash\" ON \"drp_agent_token\"  (\"token_hash\") ");
    await queryRunner.query("CREATE TABLE \"drp_pairing\" (\"message_hash\" character varying(64) NOT NULL, \"agent_id\" character varying(100) NOT NULL, \"used_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"pk_drp_pairing\" PRIMARY KEY (\"message_hash\"))");
    await queryRunner.query("CREATE INDEX \"idx_drp_pairing_used\" ON \"drp_pairing\"  (\"used_at\") ");
    await queryRunner.query("CREATE TABLE \"drp_request\" (\"id\" uuid NOT NULL, \"agent_id\" character varying(100) NOT NULL, \"agent_request_id\" character varying(200), \"body_hash\" character varying(64) NOT NULL, \"exercise\" character varying(100) NOT NULL, \"regime\" character varying(30), \"drp_version\" character varying(20), \"status_callback\" character varying(2000), \"request_id\" uuid, \"status\" character varying(20), \"reason\" character varying(40), \"processing_details\" character varying(1000), \"received_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"revoked_at\" TIMESTAMP WITH TIME ZONE, \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"pk_drp_request\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_drp_request_body\" ON \"drp_request\"  (\"body_hash\") ");
    await queryRunner.query("CREATE INDEX \"idx_drp_request_request\" ON \"drp_request\"  (\"request_id\") ");
    await queryRunner.query("CREATE TABLE \"drp_callback\" (\"id\" BIGSERIAL NOT NULL, \"drp_request_id\" uuid NOT NULL, \"body\" jsonb NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"delivered_at\" TIMESTAMP WITH TIME ZONE, \"failed_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"pk_drp_callback\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"idx_drp_callback_request\" ON \"drp_callback\"  (\"drp_request_id\", \"id\") ");
    await queryRunner.query("ALTER TABLE \"dsr_request\" ADD \"clock_kind\" character varying(10) NOT NULL DEFAULT 'standard'");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"dsr_request\" DROP COLUMN \"clock_kind\"");
    await queryRunner.query("DROP INDEX \"public\".\"idx_drp_callback_request\"");
    await queryRunner.query("DROP TABLE \"drp_callback\"");
    await queryRunner.query("DROP INDEX \"public\".\"idx_drp_request_request\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_drp_request_body\"");
    await queryRunner.query("DROP TABLE \"drp_request\"");
    await queryRunner.query("DROP INDEX \"public\".\"idx_drp_pairing_used\"");
    await queryRunner.query("DROP TABLE \"drp_pairing\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_drp_agent_token_hash\"");
    await queryRunner.query("DROP TABLE \"drp_agent_token\"");
  }
}
