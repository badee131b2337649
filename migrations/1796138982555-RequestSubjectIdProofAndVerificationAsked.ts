import { MigrationInterface, QueryRunner } from 'typeorm';

export class RequestSubjectIdProofAndVerificationAsked1796138982555 implements MigrationInterface {
  name = 'RequestSubjectIdProofAndVerificationAsked1796138982555';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"dsr_request\" ADD \"subject_id_proof\" character varying(80)");
    await queryRunner.query("ALTER TABLE \"dsr_request\" ADD \"subject_id_confirmed_at\" TIMESTAMP WITH TIME ZONE");
    await queryRunner.query("ALTER TABLE \"dsr_request\" ADD \"verification_asked_at\" TIMESTAMP WITH TIME ZONE");
    // Added by hand: a subject id that came in a signed IAM token was proven at intake.
    await queryRunner.query("UPDATE \"dsr_request\" SET \"subject_id_proof\" = 'iam_token', \"subject_id_confirmed_at\" = \"verified_at\" WHERE \"verification_method\" = 'iam_token' AND \"subject_ref\" IS NOT NULL");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"dsr_request\" DROP COLUMN \"verification_asked_at\"");
    await queryRunner.query("ALTER TABLE \"dsr_request\" DROP COLUMN \"subject_id_confirmed_at\"");
    await queryRunner.query("ALTER TABLE \"dsr_request\" DROP COLUMN \"subject_id_proof\"");
  }
}
