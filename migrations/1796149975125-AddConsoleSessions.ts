import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddConsoleSessions1796149975125 implements MigrationInterface {
  name = 'AddConsoleSessions1796149975125';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"console_session\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"token_hash\" character(64) NOT NULL, \"method\" character varying(16) NOT NULL, \"actor\" character varying(300) NOT NULL, \"key_id\" uuid, \"sub\" character varying(255), \"name\" character varying(300) NOT NULL, \"email\" character varying(320), \"roles\" text array NOT NULL, \"csrf_hash\" character(64) NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"last_seen_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"expires_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"ended_at\" TIMESTAMP WITH TIME ZONE, \"end_reason\" character varying(32), CONSTRAINT \"UQ_d2489983f3903a6c92782d0d0e1\" UNIQUE (\"token_hash\"), CONSTRAINT \"PK_de017bbd4b96ce481ef2729ad1a\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"idx_console_session_key\" ON \"console_session\"  (\"key_id\") ");
    await queryRunner.query("CREATE TABLE \"console_user\" (\"sub\" character varying(255) NOT NULL, \"display_name\" character varying(300) NOT NULL, \"email\" character varying(320), \"roles\" text array NOT NULL, \"first_sign_in_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"last_sign_in_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_5542174e594b362e20913eb664c\" PRIMARY KEY (\"sub\"))");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE \"console_user\"");
    await queryRunner.query("DROP INDEX \"public\".\"idx_console_session_key\"");
    await queryRunner.query("DROP TABLE \"console_session\"");
  }
}
