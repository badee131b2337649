import { MigrationInterface, QueryRunner } from 'typeorm';

export class ConsentSignalEvidence1796265222647 implements MigrationInterface {
  name = 'ConsentSignalEvidence1796265222647';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"consent_event\" ADD \"signals_sealed\" text");
    // Hand-written: pseudonymisation clears the sealed TC/GPP strings as it clears the user agent.
    await queryRunner.query(`CREATE OR REPLACE FUNCTION consent_event_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        mutable constant text[] := ARRAY['subject_id', 'user_agent', 'signals_sealed', 'pseudonymised_at'];
      BEGIN
        IF TG_OP = 'UPDATE'
           AND OLD.pseudonymised_at IS NULL AND NEW.pseudonymised_at IS NOT NULL
           AND NEW.subject_id IS NULL AND NEW.user_agent IS NULL AND NEW.signals_sealed IS NULL
           AND (to_jsonb(NEW) - mutable) = (to_jsonb(OLD) - mutable) THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION '% on consent_event is not allowed: the ledger is append-only (pseudonymisation may only clear subject_id, user_agent and signals_sealed)', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE OR REPLACE FUNCTION consent_event_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        mutable constant text[] := ARRAY['subject_id', 'user_agent', 'pseudonymised_at'];
      BEGIN
        IF TG_OP = 'UPDATE'
           AND OLD.pseudonymised_at IS NULL AND NEW.pseudonymised_at IS NOT NULL
           AND NEW.subject_id IS NULL AND NEW.user_agent IS NULL
           AND (to_jsonb(NEW) - mutable) = (to_jsonb(OLD) - mutable) THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION '% on consent_event is not allowed: the ledger is append-only (pseudonymisation may only clear subject_id and user_agent)', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query("ALTER TABLE \"consent_event\" DROP COLUMN \"signals_sealed\"");
  }
}
