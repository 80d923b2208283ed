// The whole chart of accounts as a tree (every page of it, not the first 50).
import { useEffect, useMemo, useState } from "react";
import { useCompanies } from "../company";
import type { Account } from "../gen/ledger";
import { useT } from "../i18n";
import { loadChart } from "../pickers";
import { ErrorBox, Spinner, useCall } from "../ui";

interface Node {
  account: Account;
  children: Node[];
}

function tree(accounts: Account[]): Node[] {
  const nodes = new Map(accounts.map((a) => [a.id, { account: a, children: [] as Node[] }]));
  const roots: Node[] = [];
  for (const node of nodes.values()) {
    const parent = node.account.parent_id ? nodes.get(node.account.parent_id) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const sort = (list: Node[]) => {
    list.sort((a, b) => a.account.code.localeCompare(b.account.code));
    list.forEach((n) => sort(n.children));
    return list;
  };
  return sort(roots);
}

function Branch({ nodes, filter }: { nodes: Node[]; filter: string }) {
  const matches = (n: Node): boolean => !filter || `${n.account.code} ${n.account.name}`.toLowerCase().includes(filter) || n.children.some(matches);
  const shown = nodes.filter(matches);
  if (!shown.length) return null;
  return (
    <ul role="group">
      {shown.map((n) => (
        <li key={n.account.id} role="treeitem" aria-expanded={n.children.length ? true : undefined}>
          <span className={n.account.is_active ? undefined : "muted"}>
            <code>{n.account.code}</code>{" "}
            {n.account.name}
          </span>
          {n.children.length > 0 && <Branch nodes={n.children} filter={filter} />}
        </li>
      ))}
    </ul>
  );
}

export default function Accounts() {
  const t = useT();
  const { current } = useCompanies();
  const [accounts, setAccounts] = useState<Account[] | null>(null);
  const [filter, setFilter] = useState("");
  const { failure, run } = useCall();

  useEffect(() => {
    if (current) run(() => loadChart(current.id, true)).then((all) => all && setAccounts(all));
  }, [current, run]);
  const roots = useMemo(() => tree(accounts ?? []), [accounts]);

  if (!current) return <p>{t("company.none")}</p>;
  return (
    <section aria-labelledby="accounts-title">
      <h1 id="accounts-title">{t("nav.accounts")}</h1>
      <ErrorBox failure={failure} />
      <div className="field" style={{ maxWidth: "24rem" }}>
        <label htmlFor="account-filter">{t("accounts.search")}</label>
        <input id="account-filter" type="search" value={filter} onChange={(e) => setFilter(e.target.value.toLowerCase())} />
      </div>
      {accounts === null ? (
        <Spinner />
      ) : (
        <>
          <p className="muted">{t("accounts.count", { count: accounts.length })}</p>
          <div className="tree card" role="tree" aria-label={t("nav.accounts")} style={{ maxWidth: "none" }}>
            <Branch nodes={roots} filter={filter} />
          </div>
        </>
      )}
    </section>
  );
}
