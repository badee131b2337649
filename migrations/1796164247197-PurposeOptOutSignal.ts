import { MigrationInterface, QueryRunner } from 'typeorm';

export class PurposeOptOutSignal1796164247197 implements MigrationInterface {
  name = 'PurposeOptOutSignal1796164247197';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"purpose\" ADD \"opt_out_signal\" boolean NOT NULL DEFAULT false");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"purpose\" DROP COLUMN \"opt_out_signal\"");
  }
}
