// Bulgarian by default, English on request; the choice is remembered in this browser.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import { bg, en, type Messages } from "./messages";

export type Lang = "bg" | "en";
const KEY = "baraba.lang";
const catalogs: Record<Lang, Messages> = { bg, en };

type Translate = (key: keyof Messages, vars?: Record<string, string | number>) => string;
const Context = createContext<{ lang: Lang; setLang: (lang: Lang) => void; t: Translate }>(null!);

export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem(KEY) === "en" ? "en" : "bg"));
  const setLang = useCallback((next: Lang) => {
    localStorage.setItem(KEY, next);
    setLangState(next);
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const t = useCallback<Translate>(
    (key, vars) => (catalogs[lang][key] ?? String(key)).replace(/\{(\w+)\}/g, (_, name: string) => String(vars?.[name] ?? "")),
    [lang],
  );
  return <Context.Provider value={{ lang, setLang, t }}>{children}</Context.Provider>;
}

export const useLang = () => useContext(Context);
export const useT = () => useContext(Context).t;
