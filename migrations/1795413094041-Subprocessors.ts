import { MigrationInterface, QueryRunner } from 'typeorm';

export class Subprocessors1795413094041 implements MigrationInterface {
  name = 'Subprocessors1795413094041';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"subprocessor\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"name\" character varying(200) NOT NULL, \"legal_entity\" character varying(300) NOT NULL, \"service\" character varying(500) NOT NULL, \"processing_countries\" text array NOT NULL, \"data_categories\" text array NOT NULL, \"activities\" text array NOT NULL, \"dpa_signed_on\" date, \"dpa_url\" character varying(2000), \"transfer_mechanism\" character varying(30), \"certifications\" jsonb NOT NULL DEFAULT '[]', \"risk_rating\" character varying(10) NOT NULL, \"next_review_on\" date, \"status\" character varying(12) NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_774dd6b2706076f2ee284bfe939\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"subprocessor_change\" (\"id\" BIGSERIAL NOT NULL, \"subprocessor_id\" uuid NOT NULL, \"at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"kind\" character varying(20) NOT NULL, \"summary\" character varying(500) NOT NULL, CONSTRAINT \"PK_0ce02d719711c792aa8924e63c6\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"idx_subprocessor_change_at\" ON \"subprocessor_change\"  (\"at\") ");
    await queryRunner.query("CREATE TABLE \"subprocessor_notice\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"subprocessor_id\" uuid NOT NULL, \"replaces_id\" uuid, \"opened_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"objection_deadline\" TIMESTAMP WITH TIME ZONE NOT NULL, \"status\" character varying(12) NOT NULL, \"override_reason\" character varying(2000), \"closed_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"PK_5b97679ad2cf46a0aacaf8f8eb1\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"subprocessor_objection\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"notice_id\" uuid NOT NULL, \"customer\" character varying(200) NOT NULL, \"reason\" text NOT NULL, \"recorded_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"recorded_by\" character varying(200) NOT NULL, CONSTRAINT \"PK_f50d78f161e468bd8e3a81d945d\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"subprocessor_subscriber\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"email_hash\" character varying(64) NOT NULL, \"email_sealed\" text NOT NULL, \"key_id\" character varying(16) NOT NULL, \"token_hash\" character varying(64) NOT NULL, \"confirmed_at\" TIMESTAMP WITH TIME ZONE, \"unsubscribed_at\" TIMESTAMP WITH TIME ZONE, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"UQ_cdaf3db6686b88d15ea0442a91f\" UNIQUE (\"email_hash\"), CONSTRAINT \"PK_a89ace219b6c4010aeb18803291\" PRIMARY KEY (\"id\"))");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE \"subprocessor_subscriber\"");
    await queryRunner.query("DROP TABLE \"subprocessor_objection\"");
    await queryRunner.query("DROP TABLE \"subprocessor_notice\"");
    await queryRunner.query("DROP INDEX \"public\".\"idx_subprocessor_change_at\"");
    await queryRunner.query("DROP TABLE \"subprocessor_change\"");
    await queryRunner.query("DROP TABLE \"subprocessor\"");
  }
}
