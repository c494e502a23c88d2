/**
 * Where the tokens live (ADR 0009): the access token only in memory; the refresh token in
 * memory and in this tab's `sessionStorage` (so a reload keeps the person signed in, closing
 * the tab ends it). Nothing in `localStorage`, nothing in cookies. `clear()` wipes both.
 */

/** The signed-in user as the gateway describes them (ids, roles, membership). */
export interface SessionUser {
  id: string;
  roles: string[];
  unitId?: string;
  organisationId?: string;
}

/** The login / refresh answer of the gateway. */
export interface TokenAnswer {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: SessionUser;
}

/** A session: tokens and who they belong to. */
export interface Session {
  accessToken: string;
  refreshToken: string;
  user: SessionUser;
}

/** The subset of the Storage API the store uses (tests pass a map-backed one). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  clear(): void;
}

/** The `sessionStorage` key of the refresh token. */
export const REFRESH_TOKEN_KEY = 'trellis.refresh';

/** Holds the session and tells listeners when it changes (sign-in, refresh, sign-out). */
export class SessionStore {
  private current: Session | undefined;
  private readonly listeners = new Set<(session: Session | undefined) => void>();

  constructor(private readonly storage: KeyValueStorage | undefined) {}

  get session(): Session | undefined {
    return this.current;
  }

  /** The refresh token kept for this tab (after a reload the access token is gone). */
  get storedRefreshToken(): string | undefined {
    return this.current?.refreshToken ?? this.storage?.getItem(REFRESH_TOKEN_KEY) ?? undefined;
  }

  /** Takes a login or refresh answer. */
  accept(answer: TokenAnswer): Session {
    const session: Session = {
      accessToken: answer.accessToken,
      refreshToken: answer.refreshToken,
      user: answer.user,
    };
    this.current = session;
    this.storage?.setItem(REFRESH_TOKEN_KEY, answer.refreshToken);
    this.emit();
    return session;
  }

  /** Forgets the session: memory and this tab's storage. */
  clear(): void {
    this.current = undefined;
    this.storage?.removeItem(REFRESH_TOKEN_KEY);
    this.emit();
  }

  /** Quick exit: forgets everything this tab's storage holds, not only the token. */
  wipe(): void {
    this.current = undefined;
    try {
      this.storage?.clear();
    } finally {
      this.emit();
    }
  }

  subscribe(listener: (session: Session | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const listener of this.listeners) listener(this.current);
  }
}
