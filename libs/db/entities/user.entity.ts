import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Table `users` (migrations/1764000000000-InitialSchema.ts). */
@Entity({ name: 'users' })
export class User {
  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id: string;

  @Column({ name: 'email', type: 'text', nullable: false })
  email: string;

  @Column({ name: 'display_name', type: 'text', nullable: false })
  displayName: string;

  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash: string | null;

  @Column({ name: 'role', type: 'text', nullable: false })
  role: string;

  @Column({ name: 'oidc_subject', type: 'text', nullable: true })
  oidcSubject: string | null;

  @Column({ name: 'disabled', type: 'boolean', nullable: false })
  disabled: boolean;

  @Column({ name: 'failed_logins', type: 'integer', nullable: false })
  failedLogins: number;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', nullable: false })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', nullable: false })
  updatedAt: Date;
}
