/**
 * Creating and reading users, shared by the API and `codance users create`. Pseudonyms are
 * random ids that stand in for a person in anything that leaves the box.
 */
import { randomBytes } from 'node:crypto';
import type { Role } from '../access.js';
import { conflict } from '../errors.js';
import type { Sql } from '../../store/sql.js';
import { hashPassword } from './passwords.js';
import { recordConsentChange } from '../../store/repositories/consent-history.js';
import { activeAdminCount, insertUser, nameTaken } from '../../store/repositories/users.js';

export interface NewUser {
  username: string;
  email: string;
  password: string;
  role: Role;
  is_active?: boolean;
  consent_biometrics?: boolean;
  consent_cloud_sync?: boolean;
  /** Who gave the consents above (`self`: the new account, registering), and how (for the consent history). */
  consentGiven?: { by: number | null | 'self'; via: string };
}

export const newPseudonym = (): string => `p_${randomBytes(9).toString('base64url')}`;

export async function createUser(sql: Sql, input: NewUser): Promise<number> {
  assertFree(sql, input.username, input.email);
  const passwordHash = await hashPassword(input.password);
  const now = sql.now();
  return sql.tx(() => {
    // checked again inside the transaction: the hash took ~35 ms in which another request may have won
    assertFree(sql, input.username, input.email);
    const id = insertUser(sql, {
      username: input.username,
      email: input.email,
      password_hash: passwordHash,
      role: input.role,
      is_active: input.is_active === false ? 0 : 1,
      pseudonym: newPseudonym(),
      consent_biometrics: input.consent_biometrics ? 1 : 0,
      consent_cloud_sync: input.consent_cloud_sync ? 1 : 0,
      consent_updated_at: input.consent_biometrics === undefined && input.consent_cloud_sync === undefined ? null : now,
      created_at: now,
      updated_at: now,
    });
    for (const consent of ['biometrics', 'cloud_sync'] as const) {
      const granted = input[`consent_${consent}`];
      if (granted !== undefined)
        recordConsentChange(sql, id, {
          consent,
          granted,
          by: input.consentGiven?.by === 'self' ? id : (input.consentGiven?.by ?? null),
          via: input.consentGiven?.via ?? 'api',
        });
    }
    return id;
  });
}

export function assertFree(sql: Sql, username: string | undefined, email: string | undefined, exceptId = 0): void {
  if (username !== undefined && nameTaken(sql, 'username', username, exceptId))
    throw conflict('already_exists', `username "${username}" is already taken`, 'body.username');
  if (email !== undefined && nameTaken(sql, 'email', email, exceptId))
    throw conflict('already_exists', `email "${email}" is already registered`, 'body.email');
}

export { activeAdminCount };
