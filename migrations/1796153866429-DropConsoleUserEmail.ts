import { MigrationInterface, QueryRunner } from 'typeorm';

export class DropConsoleUserEmail1796153866429 implements MigrationInterface {
  name = 'DropConsoleUserEmail1796153866429';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"console_user\" DROP COLUMN \"email\"");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"console_user\" ADD \"email\" character varying(320)");
  }
}
