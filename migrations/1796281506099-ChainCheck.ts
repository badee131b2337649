import { MigrationInterface, QueryRunner } from 'typeorm';

export class ChainCheck1796281506099 implements MigrationInterface {
  name = 'ChainCheck1796281506099';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"chain_check\" (\"chain\" character varying(20) NOT NULL, \"ok\" boolean NOT NULL, \"last_run_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"checked\" integer NOT NULL DEFAULT '0', \"first_broken_seq\" integer, \"broken_subjects\" integer NOT NULL DEFAULT '0', \"cursor\" character varying(64) NOT NULL DEFAULT '', CONSTRAINT \"PK_7f933024063397c023cb687dbe9\" PRIMARY KEY (\"chain\"))");
    await queryRunner.query("CREATE INDEX \"idx_workflow_step_failed\" ON \"workflow_step\"  (\"status\") WHERE status = 'failed'");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"idx_workflow_step_failed\"");
    await queryRunner.query("DROP TABLE \"chain_check\"");
  }
}
