import { MigrationInterface, QueryRunner } from 'typeorm';

export class ConsentLedger1795409293236 implements MigrationInterface {
  name = 'ConsentLedger1795409293236';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"consent_event\" (\"id\" uuid NOT NULL, \"subject_ref\" character varying(64) NOT NULL, \"subject_id\" character varying(200), \"seq\" integer NOT NULL, \"purpose\" character varying(64) NOT NULL, \"action\" character varying(10) NOT NULL, \"notice_version\" character varying(50) NOT NULL, \"notice_language\" character varying(35) NOT NULL, \"notice_hash\" character varying(64) NOT NULL, \"occurred_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"recorded_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"method\" character varying(30) NOT NULL, \"source_system\" character varying(100) NOT NULL, \"recorded_by\" character varying(200) NOT NULL, \"ip_truncated\" character varying(64), \"ip_hash\" character varying(64), \"user_agent\" character varying(500), \"locale\" character varying(35), \"jurisdiction\" character varying(10), \"proof_digest\" character varying(64) NOT NULL, \"idempotency_key\" character varying(200), \"request_hash\" character varying(64) NOT NULL, \"content_hash\" character varying(64) NOT NULL, \"prev_hash\" character varying(64) NOT NULL, \"hash\" character varying(64) NOT NULL, \"pseudonymised_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"pk_consent_event\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_consent_event_idempotency\" ON \"consent_event\"  (\"idempotency_key\") ");
    await queryRunner.query("CREATE INDEX \"idx_consent_event_purpose_time\" ON \"consent_event\"  (\"purpose\", \"occurred_at\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_consent_event_subject_seq\" ON \"consent_event\"  (\"subject_ref\", \"seq\") ");
    await queryRunner.query("CREATE TABLE \"consent_head\" (\"subject_ref\" character varying(64) NOT NULL, \"seq\" integer NOT NULL, \"hash\" character varying(64) NOT NULL, \"prev_hash\" character varying(64) NOT NULL, CONSTRAINT \"PK_f9f0d43b9e0e9247242edbcaed5\" PRIMARY KEY (\"subject_ref\"))");
    await queryRunner.query("CREATE TABLE \"consent_state\" (\"subject_ref\" character varying(64) NOT NULL, \"purpose\" character varying(64) NOT NULL, \"action\" character varying(10) NOT NULL, \"occurred_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"notice_version\" character varying(50) NOT NULL, \"event_id\" uuid NOT NULL, CONSTRAINT \"PK_52f0f6bc246378d5d5af054c86c\" PRIMARY KEY (\"subject_ref\", \"purpose\"))");
    await queryRunner.query("CREATE TABLE \"consent_outbox\" (\"id\" BIGSERIAL NOT NULL, \"event_id\" uuid NOT NULL, CONSTRAINT \"PK_e76028f1ca4ba559e0a12e48bfc\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"purpose\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"key\" character varying(64) NOT NULL, \"title\" character varying(200) NOT NULL, \"description\" text NOT NULL, \"lawful_basis\" character varying(30) NOT NULL, \"special_category_condition\" character varying(40), \"data_categories\" text array NOT NULL, \"retention\" character varying(500) NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"UQ_ff68a76b76d085f6625eae57b93\" UNIQUE (\"key\"), CONSTRAINT \"PK_9f89c13188de03afb221ef2a4ac\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"purpose_notice\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"purpose_id\" uuid NOT NULL, \"version\" character varying(50) NOT NULL, \"language\" character varying(35) NOT NULL, \"text\" text, \"url\" character varying(2000), \"text_sha256\" character varying(64) NOT NULL, \"effective_from\" TIMESTAMP WITH TIME ZONE NOT NULL, \"published_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"published_by\" character varying(200) NOT NULL, CONSTRAINT \"PK_235872f01f08e94bf3e0130bcd2\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_purpose_notice_version\" ON \"purpose_notice\"  (\"purpose_id\", \"version\", \"language\") ");
    await queryRunner.query("CREATE TABLE \"webhook_subscription\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"url\" character varying(2000) NOT NULL, \"description\" character varying(200) NOT NULL, \"secret_sealed\" text NOT NULL, \"secret_key_id\" character varying(16) NOT NULL, \"event_types\" text array NOT NULL, \"purposes\" text array NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"created_by\" character varying(200) NOT NULL, \"disabled_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"PK_b52cb4811c5ada4f42896c37ba8\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"webhook_delivery\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"subscription_id\" uuid NOT NULL, \"event_id\" uuid NOT NULL, \"event_type\" character varying(40) NOT NULL, \"status\" character varying(10) NOT NULL, \"attempts\" integer NOT NULL DEFAULT '0', \"last_status\" integer, \"last_error\" character varying(200), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"delivered_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"PK_b1ae290239a778f12399db91354\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"idx_webhook_delivery_status\" ON \"webhook_delivery\"  (\"status\", \"updated_at\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_webhook_delivery_event\" ON \"webhook_delivery\"  (\"subscription_id\", \"event_id\") ");
    // Hand-written: published notices never change, and the ledger is append-only except for
    // pseudonymisation, which may only clear subject_id and user_agent and stamp pseudonymised_at.
    await queryRunner.query("CREATE TRIGGER purpose_notice_immutable BEFORE UPDATE OR DELETE ON purpose_notice FOR EACH ROW EXECUTE FUNCTION lethe_reject_change()");
    await queryRunner.query(`CREATE FUNCTION consent_event_guard() RETURNS trigger LANGUAGE plpgsql AS $$
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
    await queryRunner.query("CREATE TRIGGER consent_event_append_only BEFORE UPDATE OR DELETE ON consent_event FOR EACH ROW EXECUTE FUNCTION consent_event_guard()");
    await queryRunner.query("CREATE TRIGGER consent_event_no_truncate BEFORE TRUNCATE ON consent_event FOR EACH STATEMENT EXECUTE FUNCTION lethe_reject_change()");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TRIGGER consent_event_no_truncate ON consent_event");
    await queryRunner.query("DROP TRIGGER consent_event_append_only ON consent_event");
    await queryRunner.query("DROP FUNCTION consent_event_guard()");
    await queryRunner.query("DROP TRIGGER purpose_notice_immutable ON purpose_notice");
    await queryRunner.query("DROP INDEX \"public\".\"uq_webhook_delivery_event\"");
    await queryRunner.query("DROP INDEX \"public\".\"idx_webhook_delivery_status\"");
    await queryRunner.query("DROP TABLE \"webhook_delivery\"");
    await queryRunner.query("DROP TABLE \"webhook_subscription\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_purpose_notice_version\"");
    await queryRunner.query("DROP TABLE \"purpose_notice\"");
    await queryRunner.query("DROP TABLE \"purpose\"");
    await queryRunner.query("DROP TABLE \"consent_outbox\"");
    await queryRunner.query("DROP TABLE \"consent_state\"");
    await queryRunner.query("DROP TABLE \"consent_head\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_consent_event_subject_seq\"");
    await queryRunner.query("DROP INDEX \"public\".\"idx_consent_event_purpose_time\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_consent_event_idempotency\"");
    await queryRunner.query("DROP TABLE \"consent_event\"");
  }
}
