import { z } from 'zod';
import { DomainError } from './errors.ts';
import { parseWith, text } from './schema-helpers.ts';

export const ROLES = ['OWNER', 'ADMIN', 'MEMBER', 'VIEWER'] as const;
export type Role = (typeof ROLES)[number];

/** Higher ranks can do everything lower ranks can. */
const RANK: Record<Role, number> = { VIEWER: 0, MEMBER: 1, ADMIN: 2, OWNER: 3 };

export function atLeast(role: Role, minimum: Role): boolean {
  return RANK[role] >= RANK[minimum];
}

/**
 * Who is asking, and in which workspace: the one thing every service takes. A session acts in
 * the workspace it picked (X-Workspace-Id) or its first; an API token in the one it is bound to,
 * with its own role (at most its creator's).
 */
export interface Actor {
  userId: string;
  workspaceId: string;
  role: Role;
  via: 'session' | 'token';
  /** The session or token id, so signOut and revocation know what to end. */
  credentialId: string;
}

/** What an action needs. Ownership ("their own") is checked by the service with `ownsOrAdmin`. */
export const PERMISSIONS = {
  read: 'VIEWER',
  create: 'MEMBER',
  editOwn: 'MEMBER',
  editAny: 'ADMIN',
  manageMembers: 'ADMIN',
  manageOwners: 'OWNER',
} as const satisfies Record<string, Role>;

export type Permission = keyof typeof PERMISSIONS;

/** The roles that hold a permission (a condition the data layer checks in the statement that uses it). */
export function rolesHolding(permission: Permission): Role[] {
  return ROLES.filter((role) => atLeast(role, PERMISSIONS[permission]));
}

export function unauthenticated(message = 'sign in first, or send Authorization: Bearer <token>') {
  return new DomainError('unauthenticated', 'UNAUTHENTICATED', message);
}

export function forbidden(message: string): DomainError {
  return new DomainError('forbidden', 'FORBIDDEN', message);
}

/**
 * FORBIDDEN because the caller is not a member of the workspace it names, or of any: unlike a
 * role's refusal, the client's workspace is gone (removed, left, deleted), so it says so by reason.
 */
export function notAMember(message: string): DomainError {
  return new DomainError('forbidden', 'FORBIDDEN', message, { reason: 'NOT_A_MEMBER' });
}

/** Throws FORBIDDEN unless the actor's role allows the permission. */
export function authorize(actor: Actor, permission: Permission): void {
  const needed = PERMISSIONS[permission];
  if (!atLeast(actor.role, needed)) {
    throw forbidden(
      `your role in this workspace (${actor.role.toLowerCase()}) cannot do this; it needs ${needed.toLowerCase()} or above`,
    );
  }
}

/** Members change and delete what they created; admins and owners anything in the workspace. */
export function authorizeEdit(actor: Actor, createdById: string | null): void {
  if (createdById === actor.userId) authorize(actor, 'editOwn');
  else authorize(actor, 'editAny');
}

export const MIN_PASSWORD_LENGTH = 10;

const email = z
  .string({ error: 'email must be text' })
  .trim()
  .toLowerCase()
  .pipe(
    z.email({
      error: (issue) =>
        `email must be an address like name@example.com, got ${JSON.stringify(issue.input)}`,
    }),
  );
const password = z
  .string({ error: 'password must be text' })
  .min(MIN_PASSWORD_LENGTH, {
    error: `password must be at least ${MIN_PASSWORD_LENGTH} characters`,
  })
  .max(200, { error: 'password must be at most 200 characters' });

const signUpSchema = z.object({
  email,
  password,
  name: text('name', 100),
  invitationToken: z.string().nullish(),
});
const signInSchema = z.object({ email, password: z.string({ error: 'password must be text' }) });
/** The new password follows sign-up's rules; the current one is only compared. */
const changePasswordSchema = z.object({
  currentPassword: z.string({ error: 'currentPassword must be text' }),
  newPassword: password,
});

export function parseSignUp(input: unknown) {
  return parseWith(signUpSchema, input, 'sign-up');
}

export function parseSignIn(input: unknown) {
  return parseWith(signInSchema, input, 'sign-in');
}

export function parseChangePassword(input: unknown) {
  return parseWith(changePasswordSchema, input, 'change password');
}

export function parseWorkspaceName(input: unknown): string {
  return parseWith(text('name', 100), input, 'workspace', () => 'name');
}

export function parseTokenName(input: unknown): string {
  return parseWith(text('name', 100), input, 'API token', () => 'name');
}
