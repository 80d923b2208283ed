// Reviewing one scanned invoice: the original page beside the recognised fields, the region
// each value came from highlighted, low-confidence values marked; edit, approve (then a link
// to the booked entry), reject, or go to the next one waiting. The invoice's lines sit below the
// page and the fields across the whole width, editable, saved with the other corrections.
import { useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { ApiError } from "../api/http";
import { useCompanies } from "../company";
import { formatAmount, formatDate, parseAmount, parseDate } from "../format";
import { ScannedInvoiceService, type Direction, type InvoiceFields, type LineItemInput, type ScannedInvoice } from "../gen/scanner";
import { useT } from "../i18n";
import type { Messages } from "../messages";
import { PageView } from "../pageview";
import { ErrorBox, Field, Select, Spinner, useCall } from "../ui";
import { LineItemsTable, lineValues, sameLines, shownLines, type TypedLine } from "./LineItems";
import { statusLabel } from "./Scanner";

const FIELDS: (keyof InvoiceFields)[] = [
  "document_type", "number", "issue_date", "tax_event_date",
  "supplier_name", "supplier_eik", "supplier_vat_number",
  "recipient_name", "recipient_eik", "recipient_vat_number",
  "tax_base", "vat_rate", "vat_amount", "total", "currency", "iban",
];
const AMOUNTS = new Set<keyof InvoiceFields>(["tax_base", "vat_amount", "total"]);
const DATES = new Set<keyof InvoiceFields>(["issue_date", "tax_event_date"]);
const LOW = 0.8;
// The contract's document types, shown by their names.
const DOCUMENT_TYPES = ["invoice", "debit_note", "credit_note"] as const;

type Typed = Record<keyof InvoiceFields, string>;

function shown(fields: InvoiceFields | undefined): Typed {
  return Object.fromEntries(
    FIELDS.map((f) => {
      const value = fields?.[f] ?? "";
      return [f, AMOUNTS.has(f) ? formatAmount(value) : DATES.has(f) ? formatDate(value) : value];
    }),
  ) as Typed;
}

export default function Review() {
  const t = useT();
  const { id } = useParams();
  const { current } = useCompanies();
  const navigate = useNavigate();
  const [invoice, setInvoice] = useState<ScannedInvoice | null>(null);
  const [typed, setTyped] = useState<Typed>(shown(undefined));
  const [lines, setLines] = useState<TypedLine[]>([]);
  const [direction, setDirection] = useState<Direction>("DIRECTION_PURCHASE");
  const [accountCode, setAccountCode] = useState("");
  const [reason, setReason] = useState("");
  const [file, setFile] = useState<Blob | null>(null);
  const [active, setActive] = useState<string>("total");
  const [note, setNote] = useState("");
  const call = useCall();

  useEffect(() => {
    if (!current || !id) return;
    setNote("");
    call.run(() => ScannedInvoiceService.getScannedInvoice({ company_id: current.id, id })).then((found) => {
      if (!found) return;
      setInvoice(found);
      setTyped(shown(found.fields));
      setLines(shownLines(found.line_items));
      if (found.direction !== "DIRECTION_UNSPECIFIED") setDirection(found.direction);
    });
    ScannedInvoiceService.downloadOriginal({ company_id: current.id, id }).then(
      async (reply) => setFile(await reply.blob()),
      () => setFile(null),
    );
  }, [current, id, call.run]);

  if (!current) return <p>{t("company.none")}</p>;
  if (!invoice) return call.failure ? <ErrorBox failure={call.failure} /> : <Spinner />;

  const evidence = Object.fromEntries(invoice.evidence.map((e) => [e.field, e]));
  const page = evidence[active]?.page || 1;
  const open = invoice.status === "INVOICE_STATUS_PENDING";

  /** The typed fields and lines as the contract's values (the lines only when changed); field
   * errors for what cannot be read. */
  function values(): { fields: Partial<InvoiceFields>; items: LineItemInput[] | null } | null {
    const out: Partial<InvoiceFields> = {};
    const { items, violations } = lineValues(lines, (column) => (column === "description" ? t("review.lineError") : t("error.amount")));
    for (const f of FIELDS) {
      const text = typed[f].trim();
      let value: string | null = text;
      if (text && AMOUNTS.has(f)) value = parseAmount(text);
      if (text && DATES.has(f)) value = parseDate(text);
      if (value === null) violations[`fields.${f}`] = DATES.has(f) ? t("error.date") : t("error.amount");
      else if (value !== (invoice!.fields?.[f] ?? "")) out[f] = value;
    }
    if (Object.keys(violations).length) {
      call.setFailure({ message: t("error.fields"), violations });
      return null;
    }
    return { fields: out, items: sameLines(items, invoice!.line_items) ? null : items };
  }

  async function save(): Promise<boolean> {
    const changed = values();
    if (!changed) return false;
    const { fields, items } = changed;
    if (!Object.keys(fields).length && !items && direction === invoice!.direction) return true;
    const saved = await call.run(() =>
      ScannedInvoiceService.updateScannedInvoice({ company_id: current!.id, id: invoice!.id, fields, direction, ...(items ? { line_items: { items } } : {}) }),
    );
    if (saved) {
      setInvoice(saved);
      setLines(shownLines(saved.line_items));
    }
    return Boolean(saved);
  }

  async function approve() {
    if (!(await save())) return;
    const approved = await call.run(() => ScannedInvoiceService.approveScannedInvoice({ company_id: current!.id, id: invoice!.id, ...(accountCode ? { account_code: accountCode } : {}) }));
    if (approved) {
      setInvoice(approved);
      setNote(t("review.approved"));
    }
  }

  async function reject() {
    const rejected = await call.run(() => ScannedInvoiceService.rejectScannedInvoice({ company_id: current!.id, id: invoice!.id, reason }));
    if (rejected) {
      setInvoice(rejected);
      setNote(t("review.rejected"));
    }
  }

  async function next() {
    const found = await call.run(async () => {
      try {
        return await ScannedInvoiceService.getNextPendingInvoice({ company_id: current!.id });
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    });
    if (found) navigate(`/scanner/${found.id}`);
    else if (found === null) setNote(t("review.noneLeft"));
  }

  return (
    <section aria-labelledby="review-title">
      <div className="page-head">
        <h1 id="review-title">
          {invoice.file_name} — {statusLabel(t, invoice.status)}
        </h1>
        <Link to="/scanner">{t("review.back")}</Link>
      </div>
      {note && (
        <p className="ok" role="status">
          {note}{" "}
          {invoice.journal_entry_id && <Link to={`/journal/${invoice.journal_entry_id}`}>{t("review.openEntry")}</Link>}
        </p>
      )}
      {invoice.review_reasons.length > 0 && (
        <ul className="warn">
          {invoice.review_reasons.map((r, i) => (
            <li key={i}>{r}</li>
          ))}
        </ul>
      )}
      <ErrorBox failure={call.failure} shown={FIELDS.map((f) => `fields.${f}`)} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          approve();
        }}
      >
        <div className="review">
          <PageView file={file} page={page} evidence={invoice.evidence} active={active} label={t("review.original")} />
          <fieldset disabled={!open}>
            <legend>{t("review.fields")}</legend>
            <Select label={t("review.direction")} name="direction" value={direction} onChange={(e) => setDirection(e.target.value as Direction)}>
              <option value="DIRECTION_PURCHASE">{t("review.purchase")}</option>
              <option value="DIRECTION_SALE">{t("review.sale")}</option>
            </Select>
            {FIELDS.map((f) => {
              const ev = evidence[f];
              const low = ev !== undefined && ev.confidence < LOW && Boolean(typed[f]);
              const common = {
                label: (
                  <>
                    {t(`invoice.${f}` as keyof Messages)}
                    {low && <span className="badge warn"> {t("review.low", { percent: Math.round(ev.confidence * 100) })}</span>}
                  </>
                ),
                name: `fields.${f}`,
                failure: call.failure,
                "data-low": low ? "true" : undefined,
                style: low ? { borderColor: "var(--warn)", background: "#fffaf0" } : undefined,
                value: typed[f],
                onFocus: () => setActive(f),
              };
              if (f === "document_type")
                return (
                  <Select key={f} {...common} className={low ? "low-field" : undefined} onChange={(e) => setTyped({ ...typed, [f]: e.target.value })}>
                    {!typed[f] && <option value="">{t("review.type.none")}</option>}
                    {DOCUMENT_TYPES.map((d) => (
                      <option key={d} value={d}>
                        {t(`review.type.${d}`)}
                      </option>
                    ))}
                  </Select>
                );
              return <Field key={f} {...common} className={low ? "low-field" : undefined} onChange={(e) => setTyped({ ...typed, [f]: e.target.value })} />;
            })}
            <Field label={t("review.accountCode")} name="account_code" failure={call.failure} value={accountCode} onChange={(e) => setAccountCode(e.target.value)} hint={t("review.accountHint")} />
          </fieldset>
        </div>
        {/* The lines under the page and the fields, across the whole width, so descriptions have room. */}
        <LineItemsTable
          lines={invoice.line_items}
          typed={lines}
          onChange={setLines}
          taxBase={typed.tax_base.trim() ? parseAmount(typed.tax_base) : null}
          low={LOW}
          violations={call.failure?.violations ?? {}}
          disabled={!open}
        />
          <div className="actions">
            {open && (
              <>
                <button type="submit" disabled={call.busy}>
                  {t("review.approve")}
                </button>
                <button type="button" className="secondary" disabled={call.busy} onClick={async () => (await save()) && setNote(t("profile.saved"))}>
                  {t("save")}
                </button>
              </>
            )}
            <button type="button" className="secondary" onClick={next}>
              {t("review.next")}
            </button>
          </div>
          {open && (
            <div className="actions" style={{ marginTop: "0.8rem", alignItems: "end" }}>
              <Field label={t("review.reason")} name="reason" failure={call.failure} value={reason} onChange={(e) => setReason(e.target.value)} />
              <button type="button" className="danger" disabled={call.busy} onClick={reject}>
                {t("review.reject")}
              </button>
            </div>
          )}
      </form>
    </section>
  );
}
