import { MigrationInterface, QueryRunner } from 'typeorm';

export class Requests1795411205757 implements MigrationInterface {
  name = 'Requests1795411205757';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"dsr_request\" (\"id\" uuid NOT NULL, \"type\" character varying(20) NOT NULL, \"status\" character varying(30) NOT NULL, \"paused_from\" character varying(30), \"jurisdiction\" character varying(10) NOT NULL, \"channel\" character varying(20) NOT NULL, \"subject_ref\" character varying(64), \"email_hash\" character varying(64), \"personal_sealed\" text, \"contact_key_id\" character varying(16), \"purposes\" text array NOT NULL DEFAULT '{}', \"received_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"clock_started_on\" date NOT NULL, \"pauses\" jsonb NOT NULL DEFAULT '[]', \"pause_started_on\" date, \"pause_reason\" character varying(20), \"due_on\" date NOT NULL, \"due_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"extended_due_on\" date, \"extension_notice_by\" date, \"acknowledge_by\" date, \"extended\" boolean NOT NULL DEFAULT false, \"extension_reason\" character varying(2000), \"assignee_sealed\" text, \"assignee_hash\" character varying(64), \"verification_method\" character varying(60), \"verified_at\" TIMESTAMP WITH TIME ZONE, \"code_hash\" character varying(64), \"code_expires_at\" TIMESTAMP WITH TIME ZONE, \"code_attempts\" integer NOT NULL DEFAULT '0', \"code_locked_at\" TIMESTAMP WITH TIME ZONE, \"code_sends\" integer NOT NULL DEFAULT '0', \"code_sends_day\" date, \"code_last_sent_at\" TIMESTAMP WITH TIME ZONE, \"status_token_hash\" character varying(64) NOT NULL, \"refusal_ground\" character varying(30), \"refusal_explanation\" text, \"identity_purged_at\" TIMESTAMP WITH TIME ZONE, \"closed_at\" TIMESTAMP WITH TIME ZONE, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_325811e6d9dd34f6a24f1a77030\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"idx_dsr_request_subject\" ON \"dsr_request\"  (\"subject_ref\", \"type\") ");
    await queryRunner.query("CREATE INDEX \"idx_dsr_request_email\" ON \"dsr_request\"  (\"email_hash\", \"type\") ");
    await queryRunner.query("CREATE INDEX \"idx_dsr_request_due\" ON \"dsr_request\"  (\"status\", \"due_at\") ");
    await queryRunner.query("CREATE TABLE \"dsr_request_event\" (\"id\" BIGSERIAL NOT NULL, \"request_id\" uuid NOT NULL, \"at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"kind\" character varying(40) NOT NULL, \"is_public\" boolean NOT NULL, \"actor\" character varying(200) NOT NULL, \"details\" jsonb NOT NULL DEFAULT '{}', CONSTRAINT \"PK_1d31e0b98a7c1cf590af418406f\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"idx_dsr_request_event_request\" ON \"dsr_request_event\"  (\"request_id\", \"id\") ");
    await queryRunner.query("CREATE TABLE \"dsr_request_note\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"request_id\" uuid NOT NULL, \"at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"author\" character varying(200) NOT NULL, \"body_sealed\" text NOT NULL, \"key_id\" character varying(16) NOT NULL, CONSTRAINT \"PK_d7284e58618c7ac4f5630a75696\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"deadline_feed\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"token_hash\" character varying(64) NOT NULL, \"created_by\" character varying(200) NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"revoked_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"UQ_98a54d8bdff12d8d793079cb15a\" UNIQUE (\"token_hash\"), CONSTRAINT \"PK_5bc7ee8e564e04914b54d16db82\" PRIMARY KEY (\"id\"))");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE \"deadline_feed\"");
    await queryRunner.query("DROP TABLE \"dsr_request_note\"");
    await queryRunner.query("DROP INDEX \"public\".\"idx_dsr_request_event_request\"");
    await queryRunner.query("DROP TABLE \"dsr_request_event\"");
    await queryRunner.query("DROP INDEX \"public\".\"idx_dsr_request_due\"");
    await queryRunner.query("DROP INDEX \"public\".\"idx_dsr_request_email\"");
    await queryRunner.query("DROP INDEX \"public\".\"idx_dsr_request_subject\"");
    await queryRunner.query("DROP TABLE \"dsr_request\"");
  }
}
