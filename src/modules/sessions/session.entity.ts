import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '../../common/auth/roles.js';

export type SignInMethod = 'oidc' | 'api_key';

/** One console sign-in. The cookie holds a random token; only its SHA-256 is kept here. */
@Entity('console_session')
@Index('idx_console_session_key', ['keyId'])
export class ConsoleSessionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'token_hash', type: 'char', length: 64, unique: true })
  tokenHash: string;

  @Column({ type: 'varchar', length: 16 })
  method: SignInMethod;

  /** What the audit trail names: the key's id, or `user:<sub>`. */
  @Column({ type: 'varchar', length: 300 })
  actor: string;

  @Column({ name: 'key_id', type: 'uuid', nullable: true })
  keyId: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  sub: string | null;

  /** Display name: the key's name, or the person's name from the identity provider. */
  @Column({ type: 'varchar', length: 300 })
  name: string;

  @Column({ type: 'varchar', length: 320, nullable: true })
  email: string | null;

  @Column({ type: 'text', array: true })
  roles: Role[];

  /** SHA-256 of the CSRF token (the token itself is derived from the cookie, never stored). */
  @Column({ name: 'csrf_hash', type: 'char', length: 64 })
  csrfHash: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt: Date;

  /** The absolute end; the idle end is lastSeenAt plus the idle timeout. */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt: Date | null;

  @Column({ name: 'end_reason', type: 'varchar', length: 32, nullable: true })
  endReason: string | null;
}

/**
 * A person who signed in through the identity provider: lets auditors put names to `user:<sub>` actors.
 * No email here: it would be kept for as long as the person is listed and nothing reads it; the
 * session row carries it ("Assigned to me") and is swept 30 days after the session ends.
 */
@Entity('console_user')
export class ConsoleUserEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  sub: string;

  @Column({ name: 'display_name', type: 'varchar', length: 300 })
  displayName: string;

  /** The roles mapped at the last sign-in. */
  @Column({ type: 'text', array: true })
  roles: Role[];

  @Column({ name: 'first_sign_in_at', type: 'timestamptz' })
  firstSignInAt: Date;

  @Column({ name: 'last_sign_in_at', type: 'timestamptz' })
  lastSignInAt: Date;
}
