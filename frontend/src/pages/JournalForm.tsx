// The journal entry form: typed by accountants hundreds of times a day, so it works from the
// keyboard alone (Tab through the fields, Alt+L adds a line, Ctrl+Enter saves), shows the
// debit/credit difference while typing, and sends one request_id per form so a double click
// or a retry books the entry once.
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { useAuth } from "../auth";
import { useCompanies } from "../company";
import { currencyOn, formatAmount, fromCents, formatDate, parseAmount, parseDate, sumAmounts, toCents } from "../format";
import { JournalEntryService, type JournalEntry, type JournalEntryInput } from "../gen/ledger";
import { useLang, useT } from "../i18n";
import { DOCUMENT_TYPES, PURCHASE_OPERATIONS, SALES_OPERATIONS } from "../nap";
import { AccountPicker, CounterpartPicker, useChart } from "../pickers";
import { ErrorBox, Field, Select, Spinner, useCall, useOnce, useRequestId, type Failure } from "../ui";

interface Line {
  key: number;
  account_id: string;
  debit: string;
  credit: string;
  description: string;
}

interface Header {
  document_type: string;
  document_number: string;
  document_date: string;
  vat_date: string;
  description: string;
  counterpart_id: string;
  purchase_operation: string;
  sales_operation: string;
  tax_base: string;
  vat_amount: string;
  vat_rate: string;
}

let nextKey = 1;
const blankLine = (): Line => ({ key: nextKey++, account_id: "", debit: "", credit: "", description: "" });
const today = () => formatDate(new Date().toISOString().slice(0, 10));
const blankHeader = (): Header => ({
  document_type: "01",
  document_number: "",
  document_date: today(),
  vat_date: "",
  description: "",
  counterpart_id: "",
  purchase_operation: "",
  sales_operation: "",
  tax_base: "",
  vat_amount: "",
  vat_rate: "",
});

function fromEntry(entry: JournalEntry): [Header, Line[]] {
  const amount = (v: string) => (toCents(v) === 0n ? "" : formatAmount(v));
  return [
    {
      document_type: entry.document_type,
      document_number: entry.document_number,
      document_date: formatDate(entry.document_date),
      vat_date: formatDate(entry.vat_date),
      description: entry.description,
      counterpart_id: entry.counterpart_id,
      purchase_operation: entry.purchase_operation,
      sales_operation: entry.sales_operation,
      tax_base: amount(entry.tax_base),
      vat_amount: amount(entry.vat_amount),
      vat_rate: entry.vat_rate,
    },
    entry.lines.map((l) => ({ key: nextKey++, account_id: l.account_id, debit: amount(l.debit), credit: amount(l.credit), description: l.description })),
  ];
}

/** The typed form as the contract's JournalEntryInput, or the fields that cannot be read. */
function toInput(header: Header, lines: Line[], t: ReturnType<typeof useT>): [JournalEntryInput | null, Record<string, string>] {
  const violations: Record<string, string> = {};
  const date = (field: keyof Header, required: boolean) => {
    const text = header[field].trim();
    if (!text) {
      if (required) violations[`journal_entry.${field}`] = t("error.required");
      return "";
    }
    const parsed = parseDate(text);
    if (!parsed) violations[`journal_entry.${field}`] = t("error.date");
    return parsed ?? "";
  };
  const amount = (path: string, text: string) => {
    if (!text.trim()) return "";
    const parsed = parseAmount(text);
    if (parsed === null) violations[path] = t("error.amount");
    return parsed ?? "";
  };
  const input: JournalEntryInput = {
    document_type: header.document_type,
    document_number: header.document_number.trim(),
    document_date: date("document_date", true),
    accounting_date: "",
    vat_date: date("vat_date", false),
    description: header.description.trim(),
    counterpart_id: header.counterpart_id,
    currency: "",
    purchase_operation: header.purchase_operation,
    sales_operation: header.sales_operation,
    tax_base: amount("journal_entry.tax_base", header.tax_base),
    vat_amount: amount("journal_entry.vat_amount", header.vat_amount),
    vat_rate: header.vat_rate.trim(),
    lines: lines
      .filter((l) => l.account_id || l.debit || l.credit)
      .map((l, i) => ({
        account_id: l.account_id,
        debit: amount(`journal_entry.lines[${i}].debit`, l.debit),
        credit: amount(`journal_entry.lines[${i}].credit`, l.credit),
        description: l.description.trim(),
        counterpart_id: "",
        quantity: "",
        currency_code: "",
        currency_amount: "",
        exchange_rate: "",
      })),
  };
  // Drop what was left empty: the edge takes absent fields as their defaults.
  const clean = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== "")) as unknown as JournalEntryInput;
  clean.lines = input.lines.map((l) => Object.fromEntries(Object.entries(l).filter(([, v]) => v !== "")) as typeof l);
  return [Object.keys(violations).length ? null : clean, violations];
}

export default function JournalForm() {
  const t = useT();
  const { lang } = useLang();
  const { id } = useParams();
  const { can } = useAuth();
  const { current } = useCompanies();
  const navigate = useNavigate();
  const accounts = useChart(current?.id);
  const [entry, setEntry] = useState<JournalEntry | null>(null);
  const [header, setHeader] = useState<Header>(blankHeader);
  const [lines, setLines] = useState<Line[]>([blankLine(), blankLine()]);
  const [requestId, renewRequestId] = useRequestId();
  const { failure, busy, run, setFailure } = useCall();
  const once = useOnce();
  const lastLine = useRef<HTMLTableRowElement>(null);
  const [focusNewLine, setFocusNewLine] = useState(false);

  useEffect(() => {
    if (!id || !current) return;
    run(() => JournalEntryService.getJournalEntry({ company_id: current.id, id })).then((found) => {
      if (!found) return;
      setEntry(found);
      const [h, l] = fromEntry(found);
      setHeader(h);
      setLines(l.length ? l : [blankLine()]);
    });
  }, [id, current, run]);

  useEffect(() => {
    if (focusNewLine) {
      lastLine.current?.querySelector("input")?.focus();
      setFocusNewLine(false);
    }
  }, [focusNewLine, lines]);

  if (!current) return <p>{t("company.none")}</p>;
  if (id && !entry && !failure) return <Spinner />;

  const readOnly = Boolean(entry?.is_posted) || !can("post_entries");
  const debit = sumAmounts(lines.map((l) => parseAmount(l.debit)));
  const credit = sumAmounts(lines.map((l) => parseAmount(l.credit)));
  const difference = fromCents(toCents(debit) - toCents(credit));
  const balanced = toCents(difference) === 0n;
  const documentDate = parseDate(header.document_date) ?? new Date().toISOString().slice(0, 10);
  const currency = entry?.currency || currencyOn(documentDate);
  const set = (field: keyof Header) => (e: { target: { value: string } }) => setHeader({ ...header, [field]: e.target.value });
  const setLine = (key: number, patch: Partial<Line>) => setLines((all) => all.map((l) => (l.key === key ? { ...l, ...patch } : l)));
  const addLine = () => {
    setLines((all) => [...all, blankLine()]);
    setFocusNewLine(true);
  };

  async function save(event?: FormEvent) {
    event?.preventDefault();
    await once(async () => {
      const [input, violations] = toInput(header, lines, t);
      if (!input) {
        setFailure({ message: t("error.fields"), violations } satisfies Failure);
        return;
      }
      const saved = await run(() =>
        entry
          ? JournalEntryService.updateJournalEntry({ company_id: current!.id, id: entry.id, journal_entry: input })
          : JournalEntryService.createJournalEntry({ company_id: current!.id, journal_entry: input, request_id: requestId }),
      );
      if (!saved) return; // the same request_id is sent again on a retry
      renewRequestId();
      setEntry(saved);
      if (!entry) navigate(`/journal/${saved.id}`, { replace: true });
    });
  }

  async function setPosted(post: boolean) {
    if (!entry) return;
    const call = post ? JournalEntryService.postJournalEntry : JournalEntryService.unpostJournalEntry;
    const saved = await run(() => call({ company_id: current!.id, id: entry.id }));
    if (saved) setEntry(saved);
  }

  async function remove() {
    if (!entry || !window.confirm(t("journal.confirmDelete"))) return;
    const done = await run(() => JournalEntryService.deleteJournalEntry({ company_id: current!.id, id: entry.id }));
    if (done) navigate("/journal");
  }

  function keys(event: KeyboardEvent) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (!readOnly) save();
    } else if (event.altKey && event.key.toLowerCase() === "l") {
      event.preventDefault();
      if (!readOnly) addLine();
    }
  }

  const shown = [
    ...Object.keys(blankHeader()).map((f) => `journal_entry.${f}`),
    ...lines.flatMap((_, i) => [`journal_entry.lines[${i}].account_id`, `journal_entry.lines[${i}].debit`, `journal_entry.lines[${i}].credit`]),
  ];

  return (
    <section aria-labelledby="entry-title">
      <div className="page-head">
        <h1 id="entry-title">{entry ? t("journal.entry", { number: entry.entry_number }) : t("journal.new")}</h1>
        <Link to="/journal">{t("journal.back")}</Link>
      </div>
      {entry && <p className="muted">{entry.is_posted ? t("journal.postedOn", { date: formatDate(entry.posted_at) }) : t("journal.draft")}</p>}
      <form className="entry-form" onSubmit={save} onKeyDown={keys} aria-describedby="entry-keys">
        <p id="entry-keys" className="muted small">
          {t("journal.keys")}
        </p>
        <ErrorBox failure={failure} shown={shown} />
        <fieldset disabled={readOnly} className="grid">
          <legend className="sr-only">{t("journal.document")}</legend>
          <Select label={t("journal.documentType")} name="journal_entry.document_type" failure={failure} value={header.document_type} onChange={set("document_type")}>
            {DOCUMENT_TYPES.map((d) => (
              <option key={d.code} value={d.code}>
                {d.code} {d[lang]}
              </option>
            ))}
          </Select>
          <Field label={t("journal.documentNumber")} name="journal_entry.document_number" failure={failure} value={header.document_number} onChange={set("document_number")} />
          <Field label={t("journal.documentDate")} name="journal_entry.document_date" failure={failure} placeholder="дд.мм.гггг" value={header.document_date} onChange={set("document_date")} />
          <Field label={t("journal.vatDate")} name="journal_entry.vat_date" failure={failure} placeholder="дд.мм.гггг" value={header.vat_date} onChange={set("vat_date")} />
          <CounterpartPicker companyId={current.id} label={t("journal.counterpart")} name="journal_entry.counterpart_id" value={header.counterpart_id} error={failure?.violations["journal_entry.counterpart_id"]} onChange={(v) => setHeader((h) => ({ ...h, counterpart_id: v }))} />
          <Field label={t("journal.description")} name="journal_entry.description" failure={failure} value={header.description} onChange={set("description")} className="wide" />
          <Select label={t("journal.purchaseOperation")} name="journal_entry.purchase_operation" failure={failure} value={header.purchase_operation} onChange={set("purchase_operation")}>
            <option value="">—</option>
            {PURCHASE_OPERATIONS.map((o) => (
              <option key={o.code} value={o.code}>
                {o.code} {o[lang]}
              </option>
            ))}
          </Select>
          <Select label={t("journal.salesOperation")} name="journal_entry.sales_operation" failure={failure} value={header.sales_operation} onChange={set("sales_operation")}>
            <option value="">—</option>
            {SALES_OPERATIONS.map((o) => (
              <option key={o.code} value={o.code}>
                {o.code} {o[lang]}
              </option>
            ))}
          </Select>
          <Field label={`${t("journal.taxBase")} (${currency})`} name="journal_entry.tax_base" failure={failure} inputMode="decimal" value={header.tax_base} onChange={set("tax_base")} />
          <Field label={`${t("journal.vatAmount")} (${currency})`} name="journal_entry.vat_amount" failure={failure} inputMode="decimal" value={header.vat_amount} onChange={set("vat_amount")} />
          <Field label={t("journal.vatRate")} name="journal_entry.vat_rate" failure={failure} inputMode="decimal" value={header.vat_rate} onChange={set("vat_rate")} />
        </fieldset>

        <fieldset disabled={readOnly}>
          <legend>{t("journal.lines")}</legend>
          <div className="table-wrap">
            <table className="lines">
              <thead>
                <tr>
                  <th scope="col">{t("journal.account")}</th>
                  <th scope="col" className="num">
                    {t("journal.debit")} ({currency})
                  </th>
                  <th scope="col" className="num">
                    {t("journal.credit")} ({currency})
                  </th>
                  <th scope="col">{t("journal.lineDescription")}</th>
                  <th scope="col">
                    <span className="sr-only">{t("journal.removeLine")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {lines.map((line, i) => (
                  <tr key={line.key} ref={i === lines.length - 1 ? lastLine : undefined}>
                    <td>
                      <AccountPicker
                        accounts={accounts}
                        hideLabel
                        label={t("journal.lineAccount", { n: i + 1 })}
                        name={`journal_entry.lines[${i}].account_id`}
                        value={line.account_id}
                        error={failure?.violations[`journal_entry.lines[${i}].account_id`]}
                        onChange={(v) => setLine(line.key, { account_id: v })}
                      />
                    </td>
                    <td>
                      <Field className="num" label={<span className="sr-only">{t("journal.lineDebit", { n: i + 1 })}</span>} name={`journal_entry.lines[${i}].debit`} failure={failure} inputMode="decimal" value={line.debit} onChange={(e) => setLine(line.key, { debit: e.target.value })} onBlur={() => parseAmount(line.debit) && setLine(line.key, { debit: formatAmount(parseAmount(line.debit)) })} />
                    </td>
                    <td>
                      <Field className="num" label={<span className="sr-only">{t("journal.lineCredit", { n: i + 1 })}</span>} name={`journal_entry.lines[${i}].credit`} failure={failure} inputMode="decimal" value={line.credit} onChange={(e) => setLine(line.key, { credit: e.target.value })} onBlur={() => parseAmount(line.credit) && setLine(line.key, { credit: formatAmount(parseAmount(line.credit)) })} />
                    </td>
                    <td>
                      <Field label={<span className="sr-only">{t("journal.lineText", { n: i + 1 })}</span>} name={`journal_entry.lines[${i}].description`} failure={failure} value={line.description} onChange={(e) => setLine(line.key, { description: e.target.value })} />
                    </td>
                    <td>
                      <button type="button" className="link" aria-label={t("journal.removeLineN", { n: i + 1 })} disabled={lines.length < 2} onClick={() => setLines(lines.filter((l) => l.key !== line.key))}>
                        ✕
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">{t("journal.totals")}</th>
                  <td className="num">{formatAmount(debit)}</td>
                  <td className="num">{formatAmount(credit)}</td>
                  <td colSpan={2} aria-live="polite" className={balanced ? "ok" : "warn"} data-testid="difference">
                    {balanced ? t("journal.balanced") : t("journal.difference", { amount: formatAmount(difference) })}
                  </td>
                </tr>
              </tfoot>
            </table>
          </div>
          <button type="button" onClick={addLine}>
            {t("journal.addLine")}
          </button>
        </fieldset>

        <div className="actions">
          {!readOnly && (
            <button type="submit" disabled={busy}>
              {t("save")}
            </button>
          )}
          {entry && can("post_entries") && !entry.is_posted && (
            <button type="button" onClick={() => setPosted(true)} disabled={busy}>
              {t("journal.post")}
            </button>
          )}
          {entry && can("post_entries") && entry.is_posted && (
            <button type="button" onClick={() => setPosted(false)} disabled={busy}>
              {t("journal.unpost")}
            </button>
          )}
          {entry && can("post_entries") && !entry.is_posted && (
            <button type="button" className="danger" onClick={remove} disabled={busy}>
              {t("delete")}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
