// The company being worked on. The default comes from the person's grants (is_default) and
// the switcher remembers a new choice there (SetDefaultCompany) and in this browser.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import { useAuth } from "./auth";
import { CompanyAccessService, type CompanyAccess } from "./gen/identity";
import { CompanyService, type Company } from "./gen/ledger";

const KEY = "baraba.company";

interface Companies {
  companies: Company[];
  current: Company | null;
  choose: (companyId: string) => Promise<void>;
  refresh: () => Promise<void>;
}

const Context = createContext<Companies>(null!);

export async function allCompanies(): Promise<Company[]> {
  const found: Company[] = [];
  let page_token = "";
  do {
    const page = await CompanyService.listCompanies({ page_size: 500, page_token });
    found.push(...page.companies);
    page_token = page.next_page_token;
  } while (page_token);
  return found;
}

export function CompanyProvider({ children }: { children: ReactNode }) {
  const { me } = useAuth();
  const [companies, setCompanies] = useState<Company[]>([]);
  const [grants, setGrants] = useState<CompanyAccess[]>([]);
  const [currentId, setCurrentId] = useState<string>(() => localStorage.getItem(KEY) ?? "");

  const refresh = useCallback(async () => {
    const [list, mine] = await Promise.all([allCompanies(), CompanyAccessService.listMyCompanies({})]);
    setCompanies(list);
    setGrants(mine.grants);
    setCurrentId((chosen) => {
      if (list.some((c) => c.id === chosen)) return chosen;
      const preferred = mine.grants.find((g) => g.is_default)?.company_id;
      return list.find((c) => c.id === preferred)?.id ?? list[0]?.id ?? "";
    });
  }, []);

  useEffect(() => {
    if (me) refresh().catch(() => undefined);
  }, [me, refresh]);

  const choose = useCallback(
    async (companyId: string) => {
      localStorage.setItem(KEY, companyId);
      setCurrentId(companyId);
      const grant = grants.find((g) => g.company_id === companyId);
      if (grant && !grant.is_default) {
        await CompanyAccessService.setDefaultCompany({ id: grant.id }).catch(() => undefined);
        setGrants((all) => all.map((g) => ({ ...g, is_default: g.id === grant.id })));
      }
    },
    [grants],
  );

  const current = companies.find((c) => c.id === currentId) ?? null;
  return <Context.Provider value={{ companies, current, choose, refresh }}>{children}</Context.Provider>;
}

export const useCompanies = () => useContext(Context);
