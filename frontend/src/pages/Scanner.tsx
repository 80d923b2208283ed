// Invoice scanning: drop several files, follow each one and the whole batch, cancel; then the
// invoices waiting for review.
import { useCallback, useEffect, useRef, useState, type DragEvent } from "react";
import { Link, useNavigate } from "react-router-dom";
import { useCompanies } from "../company";
import { formatAmount, formatDate } from "../format";
import { ScanService, ScannedInvoiceService, type InvoiceStatus, type ScanSession, type ScannedInvoice } from "../gen/scanner";
import { useT } from "../i18n";
import type { Messages } from "../messages";
import { ErrorBox, useCall } from "../ui";

const DONE: InvoiceStatus[] = ["INVOICE_STATUS_PENDING", "INVOICE_STATUS_APPROVED", "INVOICE_STATUS_REJECTED", "INVOICE_STATUS_FAILED", "INVOICE_STATUS_CANCELLED"];
const progressOf = (status: InvoiceStatus) => (DONE.includes(status) ? 100 : status === "INVOICE_STATUS_PROCESSING" ? 50 : 0);

export function statusLabel(t: ReturnType<typeof useT>, status: string): string {
  const key = status.replace("INVOICE_STATUS_", "").replace("SESSION_STATUS_", "").toLowerCase();
  return t(`scan.${key === "pending" ? "pending_status" : key}` as keyof Messages);
}

export default function Scanner() {
  const t = useT();
  const { current } = useCompanies();
  const navigate = useNavigate();
  const [files, setFiles] = useState<File[]>([]);
  const [over, setOver] = useState(false);
  const [session, setSession] = useState<ScanSession | null>(null);
  const [pending, setPending] = useState<ScannedInvoice[]>([]);
  const call = useCall();
  const list = useCall();
  const input = useRef<HTMLInputElement>(null);

  const reloadPending = useCallback(async () => {
    if (!current) return;
    const found = await ScannedInvoiceService.listScannedInvoices({ company_id: current.id, status: "INVOICE_STATUS_PENDING", page_size: 100 });
    setPending(found.scanned_invoices);
  }, [current]);

  useEffect(() => {
    list.run(reloadPending);
  }, [reloadPending, list.run]);

  // Follow a running batch until it ends.
  useEffect(() => {
    if (!session || session.status !== "SESSION_STATUS_PROCESSING" || !current) return;
    const timer = setTimeout(async () => {
      const next = await call.run(() => ScanService.getScanSession({ company_id: current.id, id: session.id }));
      if (next) setSession(next);
      if (next && next.status !== "SESSION_STATUS_PROCESSING") await reloadPending();
    }, 700);
    return () => clearTimeout(timer);
  }, [session, current, call.run, reloadPending]);

  function add(list: FileList | null) {
    if (list) setFiles((all) => [...all, ...Array.from(list)]);
  }

  async function start() {
    if (!current || !files.length) return;
    const form = new FormData();
    files.forEach((file) => form.append("files", file, file.name));
    const started = await call.run(() => ScanService.startScanSession({ company_id: current.id, files: form }));
    if (started) {
      setSession(started);
      setFiles([]);
    }
  }

  async function cancel() {
    if (!session || !current) return;
    const stopped = await call.run(() => ScanService.cancelScanSession({ company_id: current.id, id: session.id }));
    if (stopped) setSession(stopped);
  }

  if (!current) return <p>{t("company.none")}</p>;
  const running = session?.status === "SESSION_STATUS_PROCESSING";
  return (
    <section aria-labelledby="scanner-title">
      <h1 id="scanner-title">{t("scan.title")}</h1>
      <div
        className={`dropzone ${over ? "over" : ""}`}
        onDragOver={(e: DragEvent) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e: DragEvent) => {
          e.preventDefault();
          setOver(false);
          add(e.dataTransfer.files);
        }}
      >
        <p>{t("scan.drop")}</p>
        <label htmlFor="scan-files" className="button secondary">
          {t("scan.choose")}
        </label>
        <input id="scan-files" ref={input} className="sr-only" type="file" multiple accept="application/pdf,image/png,image/jpeg,image/tiff" onChange={(e) => add(e.target.files)} />
        {files.length > 0 && (
          <ul aria-label={t("scan.chosen")}>
            {files.map((f, i) => (
              <li key={i}>
                {f.name} <span className="muted">({Math.ceil(f.size / 1024)} KB)</span>
              </li>
            ))}
          </ul>
        )}
        <div className="actions" style={{ justifyContent: "center" }}>
          <button type="button" onClick={start} disabled={!files.length || call.busy || running}>
            {t("scan.start", { count: files.length })}
          </button>
        </div>
      </div>
      <ErrorBox failure={call.failure} />
      {session && (
        <section className="card" style={{ maxWidth: "none" }} aria-labelledby="batch-title">
          <h2 id="batch-title">
            {t("scan.batch")} — {statusLabel(t, session.status)}
          </h2>
          <label htmlFor="batch-progress">{t("scan.batchProgress", { done: session.done_files + session.failed_files, total: session.total_files })}</label>
          <progress id="batch-progress" max={100} value={session.progress_percent} />
          <ul className="files">
            {session.invoices.map((inv) => (
              <li key={inv.id}>
                <label htmlFor={`p-${inv.id}`}>
                  {inv.file_name} — {statusLabel(t, inv.status)}
                </label>
                <progress id={`p-${inv.id}`} max={100} value={progressOf(inv.status)} />
              </li>
            ))}
          </ul>
          {running && (
            <button type="button" className="danger" onClick={cancel}>
              {t("scan.cancel")}
            </button>
          )}
        </section>
      )}
      <section aria-labelledby="pending-title" style={{ marginTop: "1rem" }}>
        <div className="page-head">
          <h2 id="pending-title">{t("scan.pending", { count: pending.length })}</h2>
          {pending.length > 0 && (
            <button type="button" onClick={() => navigate(`/scanner/${pending[0].id}`)}>
              {t("scan.review")}
            </button>
          )}
        </div>
        <ErrorBox failure={list.failure} />
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("scan.file")}</th>
                <th scope="col">{t("journal.document")}</th>
                <th scope="col">{t("journal.date")}</th>
                <th scope="col" className="num">
                  {t("scan.total")}
                </th>
              </tr>
            </thead>
            <tbody>
              {pending.map((inv) => (
                <tr key={inv.id}>
                  <td>
                    <Link to={`/scanner/${inv.id}`}>{inv.file_name}</Link>
                  </td>
                  <td>{inv.fields?.number}</td>
                  <td>{formatDate(inv.fields?.issue_date)}</td>
                  <td className="num">
                    {formatAmount(inv.fields?.total)} {inv.fields?.currency}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </section>
  );
}
