/** /api/v1/users: registration, login and refresh, the current user, and user admin. */
import { eraseDancer } from '../../privacy/erase.js';
import { recordConsentChange } from '../../store/repositories/consent-history.js';
import { activeUser, loginAccount, updateUser } from '../../store/repositories/users.js';
import { ADMIN, ANY, roles, type Access, type CurrentUser } from '../access.js';
import { activeAdminCount, assertFree, createUser } from '../auth/users.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { toApi, type Row } from '../codec.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, conflict, forbidden } from '../errors.js';
import { body, errors, idParam, json } from '../openapi-common.js';
import { listQuery, pageSchema } from '../paging.js';
import { getRow, listPage } from '../resource.js';
import { userOf, type ApiRouter } from '../router.js';
import {
  createUserIn,
  loginIn,
  registrationOut,
  refreshIn,
  registerIn,
  tokenOut,
  updateUserIn,
  userColumns,
  userOut,
} from '../schemas/users.js';

const tags = ['users'];
/** Everyone signed in; everyone but an admin only their own account. */
const SELF_OR_ADMIN: Access = { roles, own: ['technician', 'dancer'] };
const base = '/api/v1/users';

export function registerUserRoutes(router: ApiRouter, deps: ApiDeps): void {
  const { sql, tokens, limiter } = deps;
  const userJson = (id: number): Row => toApi(userColumns, getRow(sql, 'users', id, 'user'));

  router.add(
    {
      method: 'post',
      path: `${base}/register`,
      tags,
      summary: 'Register as a dancer',
      access: 'public',
      request: { body: body(registerIn) },
      description:
        'The answer is the same whether or not the username or email was taken, so registering tells no one which names exist: log in to use the new account (a taken name fails there).',
      responses: { 202: json(registrationOut, 'received'), ...errors(403, 422) },
    },
    async (c, { body: input }) => {
      if (!deps.openRegistration)
        throw forbidden('self-registration is switched off on this box (auth.openRegistration); ask a technician');
      try {
        await createUser(sql, { ...input, role: 'dancer', consentGiven: { by: 'self', via: 'registration' } });
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 'already_exists')) throw err;
        // As long as a registration that went through (the hash is what takes the time).
        await hashPassword(input.password);
      }
      return c.json(
        {
          status: 'received' as const,
          message: 'if that username and email were free, the account exists now: log in with them',
        },
        202,
      );
    },
  );

  router.add(
    {
      method: 'post',
      path: `${base}/token`,
      tags,
      summary: 'Log in: exchange username (or email) and password for tokens',
      access: 'public',
      request: { body: body(loginIn) },
      responses: { 200: json(tokenOut, 'tokens'), ...errors(401, 422, 429) },
    },
    async (c, { body: input }) => {
      const address = deps.clientAddress(c);
      const row = loginAccount(sql, input.username);
      // Throttled per account, whichever of its names was typed; an unknown name by itself.
      const account = row ? `id:${row.id}` : `name:${input.username.toLowerCase()}`;
      await limiter.before(account, address);
      const ok = await verifyPassword(input.password, row?.password_hash);
      if (!row || !ok || row.is_active !== 1) {
        limiter.failed(account, address);
        throw new ApiError(401, 'invalid_credentials', 'wrong username or password, or the account is disabled');
      }
      limiter.succeeded(account, address);
      return c.json(await tokens.issue(row), 200);
    },
  );

  router.add(
    {
      method: 'post',
      path: `${base}/token/refresh`,
      tags,
      summary: 'Exchange a refresh token for new tokens (the old one is spent)',
      access: 'public',
      request: { body: body(refreshIn) },
      responses: { 200: json(tokenOut, 'tokens'), ...errors(401, 422) },
    },
    async (c, { body: input }) => {
      const { userId, family } = tokens.consumeRefresh(input.refresh_token);
      const user = activeUser(sql, userId);
      if (!user) throw new ApiError(401, 'invalid_token', 'the account of this token is disabled or gone');
      return c.json(await tokens.issue(user, family), 200);
    },
  );

  router.add(
    {
      method: 'get',
      path: `${base}/me`,
      tags,
      summary: 'The signed-in user',
      access: ANY,
      responses: { 200: json(userOut, 'you'), ...errors(401) },
    },
    (c) => c.json(userJson(userOf(c).id), 200),
  );

  router.add(
    {
      method: 'post',
      path: base,
      tags,
      summary: 'Create a user with any role',
      access: ADMIN,
      request: { body: body(createUserIn) },
      responses: { 201: json(userOut, 'the new user'), ...errors(401, 403, 409, 422) },
    },
    async (c, { body: input }) =>
      c.json(userJson(await createUser(sql, { ...input, consentGiven: { by: userOf(c).id, via: 'api' } })), 201),
  );

  router.add(
    {
      method: 'get',
      path: base,
      tags,
      summary: 'List users (event_id: those registered for it; from/to: created)',
      access: ADMIN,
      request: { query: listQuery },
      responses: { 200: json(pageSchema(userOut), 'a page of users'), ...errors(401, 403, 422) },
    },
    (c, { query }) => {
      // event_id: the users registered for that event
      const registered = { table: 'registrations', column: 'user_id' };
      return c.json(
        listPage(sql, 'users', { timeColumn: 'created_at', eventVia: registered, columns: userColumns }, query),
        200,
      );
    },
  );

  const selfOrAdmin = (user: CurrentUser, id: number): void => {
    if (user.role !== 'admin' && user.id !== id) throw forbidden('you may only see and change your own account');
  };

  router.add(
    {
      method: 'get',
      path: `${base}/{id}`,
      tags,
      summary: 'Get a user (yourself, or anyone as admin)',
      access: SELF_OR_ADMIN,
      request: { params: idParam },
      responses: { 200: json(userOut, 'the user'), ...errors(401, 403, 404, 422) },
    },
    (c, { params }) => {
      selfOrAdmin(userOf(c), params.id);
      return c.json(userJson(params.id), 200);
    },
  );

  router.add(
    {
      method: 'put',
      path: `${base}/{id}`,
      tags,
      summary: 'Update a user (yourself, or anyone as admin)',
      access: SELF_OR_ADMIN,
      request: { params: idParam, body: body(updateUserIn) },
      responses: { 200: json(userOut, 'the updated user'), ...errors(401, 403, 404, 409, 422) },
    },
    async (c, { params, body: input }) => {
      const me = userOf(c);
      selfOrAdmin(me, params.id);
      const before = getRow(sql, 'users', params.id, 'user');
      const self = me.id === params.id;
      if (me.role !== 'admin' && (input.role !== undefined || input.is_active !== undefined))
        throw forbidden('only an admin may change role or is_active');
      if (!self && (input.consent_biometrics !== undefined || input.consent_cloud_sync !== undefined))
        throw forbidden('consent can only be given or withdrawn by the dancer themself');
      if (
        self &&
        input.password !== undefined &&
        !(await verifyPassword(input.current_password ?? '', String(before.password_hash)))
      ) {
        throw new ApiError(
          422,
          'validation_failed',
          'body.current_password: must be your current password to set a new one',
          'body.current_password',
        );
      }
      assertFree(sql, input.username, input.email, params.id);
      const losesAdmin =
        before.role === 'admin' &&
        before.is_active === 1 &&
        ((input.role !== undefined && input.role !== 'admin') || input.is_active === false);
      const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
      const now = sql.now();
      sql.tx(() => {
        if (losesAdmin && activeAdminCount(sql) <= 1)
          throw conflict('last_admin', 'this is the last active admin; make another admin first', 'body.role');
        updateUser(sql, params.id, {
          ...(input.username !== undefined && { username: input.username }),
          ...(input.email !== undefined && { email: input.email }),
          ...(passwordHash !== undefined && { password_hash: passwordHash }),
          ...(input.role !== undefined && { role: input.role }),
          ...(input.is_active !== undefined && { is_active: input.is_active ? 1 : 0 }),
          ...(input.consent_biometrics !== undefined && {
            consent_biometrics: input.consent_biometrics ? 1 : 0,
            consent_updated_at: now,
          }),
          ...(input.consent_cloud_sync !== undefined && {
            consent_cloud_sync: input.consent_cloud_sync ? 1 : 0,
            consent_updated_at: now,
          }),
          updated_at: now,
        });
        for (const consent of ['biometrics', 'cloud_sync'] as const) {
          const granted = input[`consent_${consent}`];
          if (granted !== undefined && granted !== (before[`consent_${consent}`] === 1))
            recordConsentChange(sql, params.id, { consent, granted, by: me.id, via: 'api' });
        }
        // A new password or a disabled account ends every other login of that account.
        if (passwordHash !== undefined || input.is_active === false) tokens.revokeUser(params.id);
      });
      return c.json(userJson(params.id), 200);
    },
  );

  router.add(
    {
      method: 'delete',
      path: `${base}/{id}`,
      tags,
      summary: 'Delete a user and everything recorded about them (an erasure, carried to the cloud)',
      access: ADMIN,
      request: { params: idParam },
      responses: { 204: { description: 'deleted' }, ...errors(401, 403, 404, 409, 422) },
    },
    async (c, { params }) => {
      const before = getRow(sql, 'users', params.id, 'user');
      if (before.role === 'admin' && before.is_active === 1 && activeAdminCount(sql) <= 1)
        throw conflict('last_admin', 'this is the last active admin; make another admin first');
      // A deletion is an erasure: the cloud is told to delete its copy too.
      await eraseDancer(sql, params.id, { id: userOf(c).id, role: userOf(c).role, via: 'api' });
      return c.body(null, 204);
    },
  );
}
