// Who is signed in, and what they may do (the permissions from /api/auth/me).
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import { getSession, onSessionChange, setRefresher, setSession } from "./api/http";
import { AuthService, type Permissions, type User } from "./gen/identity";

setRefresher(async (refreshToken) => {
  const fresh = await AuthService.refreshToken({ refresh_token: refreshToken }, { auth: false });
  return { token: fresh.token, refresh_token: fresh.refresh_token };
});

interface Auth {
  me: User | null;
  ready: boolean;
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  reload: () => Promise<void>;
  can: (permission: keyof Permissions) => boolean;
}

const Context = createContext<Auth>(null!);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<User | null>(null);
  const [ready, setReady] = useState(false);

  const reload = useCallback(async () => {
    setMe(await AuthService.getMe({}));
  }, []);

  useEffect(() => {
    const off = onSessionChange((session) => {
      if (!session) setMe(null);
    });
    if (getSession()) reload().catch(() => setMe(null)).finally(() => setReady(true));
    else setReady(true);
    return () => {
      off();
    };
  }, [reload]);

  const login = useCallback(async (username: string, password: string) => {
    const reply = await AuthService.login({ username, password }, { auth: false });
    setSession({ token: reply.token, refresh_token: reply.refresh_token });
    setMe(reply.user ?? (await AuthService.getMe({})));
  }, []);

  const logout = useCallback(async () => {
    try {
      await AuthService.logout({});
    } finally {
      setSession(null);
    }
  }, []);

  const can = useCallback((permission: keyof Permissions) => Boolean(me?.permissions?.[permission]), [me]);

  return <Context.Provider value={{ me, ready, login, logout, reload, can }}>{children}</Context.Provider>;
}

export const useAuth = () => useContext(Context);
