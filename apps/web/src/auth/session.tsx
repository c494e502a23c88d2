import { createContext, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { ApiClient } from '../api/client';
import { TrellisApi } from '../api/trellis-api';
import { SessionStore, type SessionUser } from './session-store';

/** The roles of Trellis users (libs/contracts `ROLES`). */
export type Role = 'admin' | 'program-manager' | 'protection-officer' | 'analyst' | 'defender';

/** The neutral page quick exit leaves for (a static page shipped with the build). */
export const NEUTRAL_PAGE = '/weather.html';

/** Where the application is with the person's session. */
export type SessionStatus = 'restoring' | 'signed-out' | 'signed-in' | 'leaving';

/** What pages use: who is signed in, the API, and the ways out. */
export interface SessionContextValue {
  status: SessionStatus;
  user: SessionUser | undefined;
  /** The login name, once `/api/identity/me` answered. */
  username: string | undefined;
  /** True when the session ended by itself (expired or revoked), for the login page. */
  expired: boolean;
  api: TrellisApi;
  hasRole: (...roles: Role[]) => boolean;
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  /** Leaves at once: clears everything, revokes the session, replaces the page (ADR 0009). */
  quickExit: () => void;
}

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

function tabStorage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

/** Provides the session. Restores it after a reload from this tab's refresh token. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [services] = useState(() => {
    const store = new SessionStore(tabStorage());
    let onExpired = () => undefined as void;
    const client = new ApiClient(store, undefined, () => onExpired());
    return {
      store,
      client,
      api: new TrellisApi(client),
      setOnExpired: (fn: () => void) => {
        onExpired = fn;
      },
    };
  });
  const { store, client, api } = services;
  const [status, setStatus] = useState<SessionStatus>(() =>
    store.storedRefreshToken ? 'restoring' : 'signed-out',
  );
  const [user, setUser] = useState<SessionUser | undefined>(undefined);
  const [username, setUsername] = useState<string | undefined>(undefined);
  const [expired, setExpired] = useState(false);

  useEffect(() => {
    services.setOnExpired(() => setExpired(true));
    const unsubscribe = store.subscribe((session) => {
      setUser(session?.user);
      setStatus((current) => {
        if (current === 'leaving') return current;
        return session ? 'signed-in' : 'signed-out';
      });
      if (!session) setUsername(undefined);
    });
    if (store.storedRefreshToken && !store.session) {
      void client.refresh().then((ok) => {
        if (!ok) setStatus((current) => (current === 'restoring' ? 'signed-out' : current));
      });
    }
    return () => {
      unsubscribe();
    };
  }, [services, store, client]);

  useEffect(() => {
    if (status !== 'signed-in' || username) return;
    let live = true;
    api.me().then(
      (me) => {
        if (live) setUsername(me.username);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [status, username, api]);

  const value = useMemo<SessionContextValue>(
    () => ({
      status,
      user,
      username,
      expired,
      api,
      hasRole: (...roles) => roles.some((role) => user?.roles.includes(role) ?? false),
      login: async (name, password) => {
        await client.login(name, password);
        setExpired(false);
      },
      logout: () => client.logout(),
      quickExit: () => {
        // Render nothing first, so no page content survives in the back/forward cache.
        flushSync(() => setStatus('leaving'));
        void client.logout({ keepalive: true });
        store.wipe();
        try {
          window.localStorage.clear();
        } catch {
          // nothing stored there
        }
        window.location.replace(NEUTRAL_PAGE);
      },
    }),
    [status, user, username, expired, api, client, store],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The session of the signed-in person. */
export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
