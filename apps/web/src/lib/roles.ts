import { atLeast, PERMISSIONS, ROLES, type Role } from '@latent-lab/domain';

// What the dashboard shows to whom: the API enforces the same rules (the domain's PERMISSIONS), so
// a control hidden here would be refused there.

export { ROLES, type Role };

export const ROLE_LABELS: Record<Role, string> = {
  OWNER: 'Owner',
  ADMIN: 'Admin',
  MEMBER: 'Member',
  VIEWER: 'Viewer',
};

/** Upload, start runs, create presets. */
export function canCreate(role: Role | null | undefined): boolean {
  return !!role && atLeast(role, PERMISSIONS.create);
}

/** Change or delete something: members their own, admins and owners anything. */
export function canEdit(
  role: Role | null | undefined,
  createdById: string | null | undefined,
  userId: string | null | undefined,
): boolean {
  if (!role) return false;
  if (createdById && createdById === userId) return atLeast(role, PERMISSIONS.editOwn);
  return atLeast(role, PERMISSIONS.editAny);
}

export function canManageMembers(role: Role | null | undefined): boolean {
  return !!role && atLeast(role, PERMISSIONS.manageMembers);
}

/** Roles an invitation (or a role change) may give: owners alone make owners. */
export function grantableRoles(role: Role | null | undefined): Role[] {
  if (!canManageMembers(role)) return [];
  return ROLES.filter((r) => r !== 'OWNER' || atLeast(role!, PERMISSIONS.manageOwners));
}

/** Roles an API token may have: at most yours. */
export function tokenRoles(role: Role | null | undefined): Role[] {
  return role ? ROLES.filter((r) => atLeast(role, r)) : [];
}

/** Whether this member's role may be changed or the member removed by someone with `role`. */
export function canManageMember(role: Role | null | undefined, memberRole: Role): boolean {
  if (!canManageMembers(role)) return false;
  return memberRole !== 'OWNER' || atLeast(role!, PERMISSIONS.manageOwners);
}
