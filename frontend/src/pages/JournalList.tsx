import { useEffect, useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router-dom";
import { useAuth } from "../auth";
import { useCompanies } from "../company";
import { formatAmount, formatDate, parseDate } from "../format";
import { JournalEntryService, type ListJournalEntriesResponse } from "../gen/ledger";
import { useLang, useT } from "../i18n";
import { DOCUMENT_TYPES } from "../nap";
import { CounterpartPicker } from "../pickers";
import { ErrorBox, Field, Select, useCall } from "../ui";

const PAGE_SIZE = 50;

interface Filters {
  date_from: string;
  date_to: string;
  posted: "" | "true" | "false";
  document_type: string;
  counterpart_id: string;
}

export default function JournalList() {
  const t = useT();
  const { lang } = useLang();
  const { can } = useAuth();
  const { current } = useCompanies();
  const navigate = useNavigate();
  const [draft, setDraft] = useState({ from: "", to: "", posted: "" as Filters["posted"], document_type: "", counterpart_id: "" });
  const [filters, setFilters] = useState<Filters>({ date_from: "", date_to: "", posted: "", document_type: "", counterpart_id: "" });
  const [pages, setPages] = useState<string[]>([""]); // page tokens seen, for going back
  const [page, setPage] = useState<ListJournalEntriesResponse | null>(null);
  const { failure, run, setFailure } = useCall();

  const token = pages[pages.length - 1];
  useEffect(() => {
    if (!current) return;
    run(() =>
      JournalEntryService.listJournalEntries({
        company_id: current.id,
        page_size: PAGE_SIZE,
        page_token: token,
        date_from: filters.date_from,
        date_to: filters.date_to,
        document_type: filters.document_type,
        counterpart_id: filters.counterpart_id,
        view: "JOURNAL_ENTRY_VIEW_BASIC", // the table shows headers only: no lines
        ...(filters.posted ? { posted: filters.posted === "true" } : {}),
      }),
    ).then((reply) => reply && setPage(reply));
  }, [current, filters, token, run]);

  function apply(event: FormEvent) {
    event.preventDefault();
    const from = draft.from ? parseDate(draft.from) : "";
    const to = draft.to ? parseDate(draft.to) : "";
    const violations: Record<string, string> = {};
    if (from === null) violations.date_from = t("error.date");
    if (to === null) violations.date_to = t("error.date");
    if (Object.keys(violations).length) {
      setFailure({ message: t("error.fields"), violations });
      return;
    }
    setPages([""]);
    setFilters({ date_from: from ?? "", date_to: to ?? "", posted: draft.posted, document_type: draft.document_type, counterpart_id: draft.counterpart_id });
  }

  if (!current) return <p>{t("company.none")}</p>;
  return (
    <section aria-labelledby="journal-title">
      <div className="page-head">
        <h1 id="journal-title">{t("journal.title")}</h1>
        {can("post_entries") && (
          <Link className="button" to="/journal/new">
            {t("journal.new")}
          </Link>
        )}
      </div>
      <form className="filters" onSubmit={apply} aria-label={t("journal.filters")}>
        <Field label={t("journal.from")} name="date_from" failure={failure} placeholder="дд.мм.гггг" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        <Field label={t("journal.to")} name="date_to" failure={failure} placeholder="дд.мм.гггг" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        <Select label={t("journal.state")} name="posted" value={draft.posted} onChange={(e) => setDraft({ ...draft, posted: e.target.value as Filters["posted"] })}>
          <option value="">{t("journal.all")}</option>
          <option value="true">{t("journal.posted")}</option>
          <option value="false">{t("journal.draft")}</option>
        </Select>
        <Select label={t("journal.documentType")} name="document_type" value={draft.document_type} onChange={(e) => setDraft({ ...draft, document_type: e.target.value })}>
          <option value="">{t("journal.all")}</option>
          {DOCUMENT_TYPES.map((d) => (
            <option key={d.code} value={d.code}>
              {d.code} {d[lang]}
            </option>
          ))}
        </Select>
        <CounterpartPicker companyId={current.id} label={t("journal.counterpart")} name="counterpart_id" value={draft.counterpart_id} onChange={(id) => setDraft({ ...draft, counterpart_id: id })} />
        <button type="submit">{t("journal.apply")}</button>
      </form>
      <ErrorBox failure={failure} shown={["date_from", "date_to"]} />
      {page && (
        <>
          <p className="muted" aria-live="polite">
            {t("journal.count", { count: page.total_size })}
          </p>
          <div className="table-wrap">
            <table className="entries">
              <thead>
                <tr>
                  <th scope="col">№</th>
                  <th scope="col">{t("journal.date")}</th>
                  <th scope="col">{t("journal.document")}</th>
                  <th scope="col">{t("journal.description")}</th>
                  <th scope="col" className="num">
                    {t("journal.amount")}
                  </th>
                  <th scope="col">{t("journal.state")}</th>
                </tr>
              </thead>
              <tbody>
                {page.journal_entries.map((entry) => (
                  <tr key={entry.id} onClick={() => navigate(`/journal/${entry.id}`)}>
                    <td>
                      <Link to={`/journal/${entry.id}`}>{entry.entry_number}</Link>
                    </td>
                    <td>{formatDate(entry.document_date)}</td>
                    <td>
                      {entry.document_type} {entry.document_number}
                    </td>
                    <td>{entry.description}</td>
                    <td className="num">
                      {formatAmount(entry.total_debit)} {entry.currency}
                    </td>
                    <td>{entry.is_posted ? t("journal.posted") : t("journal.draft")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav className="pager" aria-label={t("journal.paging")}>
            <button type="button" disabled={pages.length < 2} onClick={() => setPages(pages.slice(0, -1))}>
              {t("journal.previous")}
            </button>
            <span>{t("journal.page", { page: pages.length })}</span>
            <button type="button" disabled={!page.next_page_token} onClick={() => setPages([...pages, page.next_page_token])}>
              {t("journal.next")}
            </button>
          </nav>
        </>
      )}
    </section>
  );
}
