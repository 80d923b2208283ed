// Counterparts: search, add, and check a VAT number in VIES (valid or not, the registered name
// and address, and whether the answer came from the cache or is stale because VIES is down).
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { useAuth } from "../auth";
import { useCompanies } from "../company";
import { formatDate } from "../format";
import { CounterpartService, type Counterpart } from "../gen/ledger";
import { ViesService, type VatNumberCheck } from "../gen/vies";
import { useT } from "../i18n";
import { ErrorBox, Field, useCall, useOnce, useRequestId } from "../ui";

export default function Counterparts() {
  const t = useT();
  const { can } = useAuth();
  const { current } = useCompanies();
  const [query, setQuery] = useState("");
  const [rows, setRows] = useState<Counterpart[]>([]);
  const list = useCall();

  const search = useCallback(
    async (q: string) => {
      if (!current) return;
      const found = q.trim()
        ? (await CounterpartService.searchCounterparts({ company_id: current.id, q: q.trim(), page_size: 50 })).counterparts
        : (await CounterpartService.listCounterparts({ company_id: current.id, page_size: 100 })).counterparts;
      setRows(found);
    },
    [current],
  );

  useEffect(() => {
    const timer = setTimeout(() => list.run(() => search(query)), query ? 250 : 0);
    return () => clearTimeout(timer);
  }, [query, search, list.run]);

  if (!current) return <p>{t("company.none")}</p>;
  return (
    <section aria-labelledby="counterparts-title">
      <h1 id="counterparts-title">{t("nav.counterparts")}</h1>
      <div className="field" style={{ maxWidth: "24rem" }}>
        <label htmlFor="counterpart-search">{t("counterparts.search")}</label>
        <input id="counterpart-search" type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
      </div>
      <ErrorBox failure={list.failure} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t("companies.name")}</th>
              <th scope="col">{t("companies.eik")}</th>
              <th scope="col">{t("companies.vatNumber")}</th>
              <th scope="col">VIES</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.id}>
                <td>{c.name}</td>
                <td>{c.eik}</td>
                <td>{c.vat_number}</td>
                <td>{c.vat_number && <ViesCheck vatNumber={c.vat_number} label={c.name} />}</td>
              </tr>
            ))}
            {rows.length === 0 && (
              <tr>
                <td colSpan={4} className="muted">
                  {t("counterparts.none")}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {can("post_entries") && <NewCounterpart companyId={current.id} onDone={() => list.run(() => search(query))} />}
    </section>
  );
}

export function ViesCheck({ vatNumber, label }: { vatNumber: string; label: string }) {
  const t = useT();
  const [answer, setAnswer] = useState<VatNumberCheck | null>(null);
  const call = useCall();
  return (
    <div className="vies">
      <button type="button" className="secondary" disabled={call.busy} aria-label={t("counterparts.checkN", { name: label })} onClick={async () => setAnswer((await call.run(() => ViesService.checkVatNumber({ vat_number: vatNumber }))) ?? null)}>
        {t("counterparts.check")}
      </button>
      <ErrorBox failure={call.failure} />
      {answer && (
        <div role="status" className="vies-answer">
          <span className={`badge ${answer.valid ? "good" : "bad"}`}>{answer.valid ? t("vies.valid") : t("vies.invalid")}</span>{" "}
          {answer.cached && <span className="badge">{t("vies.cached")}</span>} {answer.stale && <span className="badge warn">{t("vies.stale")}</span>}
          {answer.name && <div>{answer.name}</div>}
          {answer.address && <div className="muted" style={{ whiteSpace: "pre-line" }}>{answer.address}</div>}
          <div className="muted small">{t("vies.checkedAt", { date: formatDate(answer.checked_at) })}</div>
        </div>
      )}
    </div>
  );
}

function NewCounterpart({ companyId, onDone }: { companyId: string; onDone: () => void }) {
  const t = useT();
  const [form, setForm] = useState({ name: "", eik: "", vat_number: "", city: "", address: "", is_supplier: true, is_customer: false });
  const [requestId, renewRequestId] = useRequestId();
  const call = useCall();
  const once = useOnce();
  const set = (field: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [field]: e.target.value });

  async function submit(event: FormEvent) {
    event.preventDefault();
    await once(async () => {
      const saved = await call.run(() => CounterpartService.createCounterpart({ company_id: companyId, counterpart: form, request_id: requestId }));
      if (!saved) return;
      renewRequestId();
      setForm({ name: "", eik: "", vat_number: "", city: "", address: "", is_supplier: true, is_customer: false });
      onDone();
    });
  }

  const f = (name: string) => `counterpart.${name}`;
  return (
    <form onSubmit={submit} style={{ marginTop: "1rem" }}>
      <fieldset className="grid">
        <legend>{t("counterparts.new")}</legend>
        <ErrorBox failure={call.failure} shown={["name", "eik", "vat_number", "city", "address"].map(f)} />
        <Field label={t("companies.name")} name={f("name")} failure={call.failure} value={form.name} onChange={set("name")} />
        <Field label={t("companies.eik")} name={f("eik")} failure={call.failure} value={form.eik} onChange={set("eik")} inputMode="numeric" />
        <Field label={t("companies.vatNumber")} name={f("vat_number")} failure={call.failure} value={form.vat_number} onChange={set("vat_number")} />
        <Field label={t("companies.city")} name={f("city")} failure={call.failure} value={form.city} onChange={set("city")} />
        <Field label={t("companies.address")} name={f("address")} failure={call.failure} value={form.address} onChange={set("address")} />
        <label className="checkbox">
          <input type="checkbox" checked={form.is_supplier} onChange={(e) => setForm({ ...form, is_supplier: e.target.checked })} />
          {t("counterparts.supplier")}
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={form.is_customer} onChange={(e) => setForm({ ...form, is_customer: e.target.checked })} />
          {t("counterparts.customer")}
        </label>
        <div>
          <button type="submit" disabled={call.busy}>
            {t("create")}
          </button>
        </div>
      </fieldset>
    </form>
  );
}
