import { MigrationInterface, QueryRunner } from 'typeorm';

export class PackageLinks1796139929813 implements MigrationInterface {
  name = 'PackageLinks1796139929813';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"export_package\" ADD \"links_issued\" integer NOT NULL DEFAULT '1'");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"export_package\" DROP COLUMN \"links_issued\"");
  }
}
