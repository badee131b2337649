import { MigrationInterface, QueryRunner } from 'typeorm';

export class RequestLocale1796250000000 implements MigrationInterface {
  name = 'RequestLocale1796250000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"dsr_request\" ADD \"locale\" character varying(8) NOT NULL DEFAULT 'en'");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"dsr_request\" DROP COLUMN \"locale\"");
  }
}
