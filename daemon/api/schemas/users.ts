/** Wire contracts of /api/v1/users. A password hash never appears in any of them. */
import { z } from '@hono/zod-openapi';
import { roles } from '../access.js';
import type { Columns } from '../codec.js';
import { apiTime, columnsOf } from '../record-columns.js';

const username = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{2,49}$/,
    'must be 3-50 letters, digits, ".", "_" or "-", starting with a letter or digit',
  )
  .openapi({ example: 'maria' });
const email = z.email().max(254).openapi({ example: 'maria@example.org' });
/** Long passphrases welcome; the cap stops a 1 MB "password" from costing a hash. */
const password = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(256)
  .openapi({ example: 'correct horse battery' });
const role = z.enum(roles);

export const userOut = z
  .object({
    id: z.number().int(),
    username: z.string(),
    email: z.string(),
    role,
    is_active: z.boolean(),
    pseudonym: z.string().openapi({ description: 'stands in for this person in everything synced off the box' }),
    consent_biometrics: z.boolean().openapi({ description: 'the dancer agreed to their biometrics being recorded' }),
    consent_cloud_sync: z.boolean().openapi({
      description: 'the dancer agreed to their biometrics being synced to the cloud (without it they stay on the box)',
    }),
    consent_updated_at: apiTime.nullable(),
    created_at: apiTime,
    updated_at: apiTime,
  })
  .openapi('User');
/** How each column is converted between the store and the wire, read from `userOut`. */
export const userColumns: Columns = columnsOf(userOut);

export const registerIn = z
  .strictObject({
    username,
    email,
    password,
    consent_biometrics: z.boolean().optional(),
    consent_cloud_sync: z.boolean().optional(),
  })
  .openapi('UserRegister');

/** The answer to a registration, the same whether or not the name or email was already taken. */
export const registrationOut = z
  .object({ status: z.literal('received'), message: z.string() })
  .openapi('RegistrationReceived');

export const createUserIn = z
  .strictObject({
    username,
    email,
    password,
    role: role.default('dancer'),
    is_active: z.boolean().optional(),
    consent_biometrics: z.boolean().optional(),
    consent_cloud_sync: z.boolean().optional(),
  })
  .openapi('UserCreate');

export const updateUserIn = z
  .strictObject({
    username: username.optional(),
    email: email.optional(),
    password: password.optional(),
    current_password: z
      .string()
      .max(256)
      .optional()
      .openapi({ description: 'required when changing your own password' }),
    role: role.optional().openapi({ description: 'admin only' }),
    is_active: z.boolean().optional().openapi({ description: 'admin only' }),
    consent_biometrics: z.boolean().optional().openapi({ description: 'the dancer themself only' }),
    consent_cloud_sync: z.boolean().optional().openapi({ description: 'the dancer themself only' }),
  })
  .openapi('UserUpdate');

export const loginIn = z
  .strictObject({
    username: z.string().min(1).max(254).openapi({ description: 'username or email' }),
    password: z.string().min(1).max(256),
  })
  .openapi('Login');

export const refreshIn = z.strictObject({ refresh_token: z.string().min(1).max(200) }).openapi('Refresh');

export const tokenOut = z
  .object({
    access_token: z.string(),
    token_type: z.literal('bearer'),
    expires_in: z.number().int().openapi({ description: 'seconds until the access token expires' }),
    refresh_token: z.string(),
  })
  .openapi('Token');
