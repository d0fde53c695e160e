// The workspace the dashboard shows, kept per browser so a reload or a new tab opens the same one.

const KEY = 'latent-lab.workspace';

/** The same choice as a cookie, so the server renders the pages of that workspace. */
export const WORKSPACE_COOKIE = 'latent_lab_workspace';
const COOKIE_DAYS = 400;

export function storedWorkspaceId(): string | null {
  try {
    return window.localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function storeWorkspaceId(id: string | null): void {
  document.cookie = id
    ? `${WORKSPACE_COOKIE}=${encodeURIComponent(id)}; Path=/; SameSite=Lax; Max-Age=${COOKIE_DAYS * 86_400}`
    : `${WORKSPACE_COOKIE}=; Path=/; SameSite=Lax; Max-Age=0`;
  try {
    if (id) window.localStorage.setItem(KEY, id);
    else window.localStorage.removeItem(KEY);
  } catch {
    // Storage refused (private mode): the choice lasts for this page only.
  }
}

/** The stored workspace when it is still one of the user's, else their first. */
export function pickWorkspace(
  stored: string | null,
  workspaces: readonly { id: string }[],
): string | null {
  if (stored && workspaces.some((w) => w.id === stored)) return stored;
  return workspaces[0]?.id ?? null;
}
