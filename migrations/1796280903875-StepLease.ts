import { MigrationInterface, QueryRunner } from 'typeorm';

export class StepLease1796280903875 implements MigrationInterface {
  name = 'StepLease1796280903875';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"workflow_step\" ADD \"lease_owner\" character varying(40)");
    await queryRunner.query("ALTER TABLE \"workflow_step\" ADD \"lease_expires_at\" TIMESTAMP WITH TIME ZONE");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"workflow_step\" DROP COLUMN \"lease_expires_at\"");
    await queryRunner.query("ALTER TABLE \"workflow_step\" DROP COLUMN \"lease_owner\"");
  }
}
