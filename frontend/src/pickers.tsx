// Account and counterpart pickers: a text box with suggestions (a native datalist, so arrows,
// Enter and screen readers work as everywhere), matched by code or name.
import { useEffect, useId, useMemo, useState } from "react";
import { AccountService, CounterpartService, type Account, type Counterpart } from "./gen/ledger";

const chartCache = new Map<string, Promise<Account[]>>();

/** Every account of a company (all pages), loaded once per company. */
export function loadChart(companyId: string, fresh = false): Promise<Account[]> {
  if (fresh || !chartCache.has(companyId)) {
    const load = async () => {
      const all: Account[] = [];
      let page_token = "";
      do {
        const page = await AccountService.listAccounts({ company_id: companyId, page_size: 500, page_token });
        all.push(...page.accounts);
        page_token = page.next_page_token;
      } while (page_token);
      return all.sort((a, b) => a.code.localeCompare(b.code));
    };
    const promise = load();
    promise.catch(() => chartCache.delete(companyId));
    chartCache.set(companyId, promise);
  }
  return chartCache.get(companyId)!;
}

export function useChart(companyId: string | undefined): Account[] {
  const [accounts, setAccounts] = useState<Account[]>([]);
  useEffect(() => {
    if (companyId) loadChart(companyId).then(setAccounts, () => setAccounts([]));
  }, [companyId]);
  return accounts;
}

export const accountLabel = (a: Account) => `${a.code} ${a.name}`;

interface PickerProps {
  label: string;
  value: string; // the chosen id
  onChange: (id: string) => void;
  error?: string;
  name: string;
  hideLabel?: boolean;
}

export function AccountPicker({ accounts, label, value, onChange, error, name, hideLabel }: PickerProps & { accounts: Account[] }) {
  const id = useId();
  const chosen = accounts.find((a) => a.id === value);
  const [text, setText] = useState(chosen ? accountLabel(chosen) : "");
  useEffect(() => {
    if (chosen) setText(accountLabel(chosen));
  }, [chosen]);
  const postable = useMemo(() => accounts.filter((a) => a.is_active), [accounts]);

  function pick(typed: string) {
    setText(typed);
    const trimmed = typed.trim();
    const match = postable.find((a) => accountLabel(a) === trimmed) ?? postable.find((a) => a.code === trimmed);
    onChange(match?.id ?? "");
  }

  return (
    <div className="field">
      <label htmlFor={id} className={hideLabel ? "sr-only" : undefined}>
        {label}
      </label>
      <input
        id={id}
        name={name}
        list={`${id}-list`}
        value={text}
        autoComplete="off"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => pick(e.target.value)}
        onBlur={() => chosen && setText(accountLabel(chosen))}
      />
      <datalist id={`${id}-list`}>
        {postable.map((a) => (
          <option key={a.id} value={accountLabel(a)} />
        ))}
      </datalist>
      {error && (
        <span className="field-error" id={`${id}-error`} data-field={name}>
          {error}
        </span>
      )}
    </div>
  );
}

export function CounterpartPicker({ companyId, label, value, onChange, error, name }: PickerProps & { companyId: string }) {
  const id = useId();
  const [text, setText] = useState("");
  const [found, setFound] = useState<Counterpart[]>([]);
  const label_ = (c: Counterpart) => (c.eik ? `${c.name} (${c.eik})` : c.name);

  useEffect(() => {
    if (value && !text) CounterpartService.getCounterpart({ company_id: companyId, id: value }).then((c) => setText(label_(c)), () => undefined);
  }, [value, companyId]);

  useEffect(() => {
    const q = text.trim();
    if (q.length < 2) return;
    const timer = setTimeout(() => {
      CounterpartService.searchCounterparts({ company_id: companyId, q, page_size: 20 }).then((r) => setFound(r.counterparts), () => undefined);
    }, 200);
    return () => clearTimeout(timer);
  }, [text, companyId]);

  function pick(typed: string) {
    setText(typed);
    const match = found.find((c) => label_(c) === typed);
    if (match) onChange(match.id);
    else if (!typed.trim()) onChange("");
  }

  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} list={`${id}-list`} type="search" value={text} autoComplete="off" aria-invalid={error ? true : undefined} onChange={(e) => pick(e.target.value)} />
      <datalist id={`${id}-list`}>
        {found.map((c) => (
          <option key={c.id} value={label_(c)} />
        ))}
      </datalist>
      {error && (
        <span className="field-error" data-field={name}>
          {error}
        </span>
      )}
    </div>
  );
}
