/**
 * Who may call a route. Every API route declares one `Access`; the router refuses a route
 * without it and the authorisation matrix test walks these declarations.
 *
 * - `public`: anyone, no token.
 * - a list of roles: a valid token whose user has one of them (else 403; no token is 401).
 * - `own`: the roles in the list that are limited to their own records (the handler checks
 *   the record's owner, answering 403 for someone else's, and lists only their own).
 */
export const roles = ['admin', 'technician', 'dancer'] as const;
export type Role = (typeof roles)[number];

export type Access = 'public' | { roles: readonly Role[]; own?: readonly Role[] };

export const ANY: Access = { roles };
export const STAFF: Access = { roles: ['admin', 'technician'] };
export const ADMIN: Access = { roles: ['admin'] };
/** Everyone signed in, dancers limited to their own records. */
export const OWN: Access = { roles, own: ['dancer'] };

export interface CurrentUser {
  id: number;
  username: string;
  role: Role;
}

export function isStaff(user: CurrentUser): boolean {
  return user.role === 'admin' || user.role === 'technician';
}
