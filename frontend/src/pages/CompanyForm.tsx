// A company: create (with the Bulgarian chart of accounts) or edit, including who files the
// VAT return for it (the representative printed in DEKLAR.TXT).
import { useEffect, useState, type FormEvent } from "react";
import { useNavigate, useParams } from "react-router-dom";
import { useAuth } from "../auth";
import { useCompanies } from "../company";
import { CompanyService, type CompanyInput } from "../gen/ledger";
import { useT } from "../i18n";
import { ErrorBox, Field, Select, Spinner, useCall, useOnce, useRequestId } from "../ui";

const TEXT_FIELDS = ["name", "eik", "vat_number", "address", "city", "post_code", "phone", "email", "nap_office", "representative_name", "representative_eik"] as const;
type Form = Record<(typeof TEXT_FIELDS)[number], string> & { is_vat_registered: boolean; representative_type: string; vat_period: string };
const blank: Form = { ...(Object.fromEntries(TEXT_FIELDS.map((f) => [f, ""])) as Record<(typeof TEXT_FIELDS)[number], string>), is_vat_registered: true, representative_type: "MANAGER", vat_period: "" };

export default function CompanyForm() {
  const t = useT();
  const { id } = useParams();
  const { can } = useAuth();
  const { refresh, choose } = useCompanies();
  const navigate = useNavigate();
  const [form, setForm] = useState<Form | null>(id ? null : blank);
  const [withChart, setWithChart] = useState(true);
  const [note, setNote] = useState("");
  const [requestId, renewRequestId] = useRequestId();
  const call = useCall();
  const once = useOnce();

  useEffect(() => {
    if (!id) return;
    call.run(() => CompanyService.getCompany({ company_id: id })).then((c) => {
      if (c) setForm({ ...blank, ...Object.fromEntries(TEXT_FIELDS.map((f) => [f, c[f]])), is_vat_registered: c.is_vat_registered, representative_type: c.representative_type || "MANAGER", vat_period: c.vat_period } as Form);
    });
  }, [id, call.run]);

  if (!form) return call.failure ? <ErrorBox failure={call.failure} /> : <Spinner />;
  const readOnly = !can("manage_companies");
  const set = (field: keyof Form) => (e: { target: { value: string } }) => setForm({ ...form, [field]: e.target.value });
  const f = (name: string) => `company.${name}`;

  async function submit(event: FormEvent) {
    event.preventDefault();
    await once(async () => {
      setNote("");
      const company: CompanyInput = { ...form!, ...(form!.vat_period ? {} : { vat_period: undefined }) };
      const saved = await call.run(() =>
        id ? CompanyService.updateCompany({ company_id: id, company }) : CompanyService.createCompany({ company, with_standard_chart: withChart, request_id: requestId }),
      );
      if (!saved) return;
      renewRequestId();
      await refresh();
      setNote(t("profile.saved"));
      if (!id) {
        await choose(saved.id);
        navigate(`/companies/${saved.id}`, { replace: true });
      }
    });
  }

  const shown = [...TEXT_FIELDS, "representative_type"].map(f);
  return (
    <section aria-labelledby="company-title">
      <h1 id="company-title">{id ? form.name : t("companies.new")}</h1>
      {note && <p className="ok" role="status">{note}</p>}
      <form onSubmit={submit}>
        <ErrorBox failure={call.failure} shown={shown} />
        <fieldset className="grid" disabled={readOnly}>
          <legend>{t("companies.data")}</legend>
          <Field label={t("companies.name")} name={f("name")} failure={call.failure} value={form.name} onChange={set("name")} className="wide" />
          <Field label={t("companies.eik")} name={f("eik")} failure={call.failure} value={form.eik} onChange={set("eik")} inputMode="numeric" />
          <Field label={t("companies.vatNumber")} name={f("vat_number")} failure={call.failure} value={form.vat_number} onChange={set("vat_number")} />
          <label className="checkbox">
            <input type="checkbox" checked={form.is_vat_registered} onChange={(e) => setForm({ ...form, is_vat_registered: e.target.checked })} />
            {t("companies.vatRegistered")}
          </label>
          <Field label={t("companies.address")} name={f("address")} failure={call.failure} value={form.address} onChange={set("address")} className="wide" />
          <Field label={t("companies.city")} name={f("city")} failure={call.failure} value={form.city} onChange={set("city")} />
          <Field label={t("companies.postCode")} name={f("post_code")} failure={call.failure} value={form.post_code} onChange={set("post_code")} />
          <Field label={t("companies.phone")} name={f("phone")} failure={call.failure} value={form.phone} onChange={set("phone")} />
          <Field label={t("user.email")} name={f("email")} failure={call.failure} value={form.email} onChange={set("email")} />
          <Field label={t("companies.napOffice")} name={f("nap_office")} failure={call.failure} value={form.nap_office} onChange={set("nap_office")} />
        </fieldset>
        <fieldset className="grid" disabled={readOnly}>
          <legend>{t("companies.representative")}</legend>
          <Select label={t("companies.representativeType")} name={f("representative_type")} failure={call.failure} value={form.representative_type} onChange={set("representative_type")}>
            <option value="MANAGER">{t("companies.manager")}</option>
            <option value="AUTHORIZED_PERSON">{t("companies.authorized")}</option>
          </Select>
          <Field label={t("companies.representativeName")} name={f("representative_name")} failure={call.failure} value={form.representative_name} onChange={set("representative_name")} />
          <Field label={t("companies.representativeEgn")} name={f("representative_eik")} failure={call.failure} value={form.representative_eik} onChange={set("representative_eik")} inputMode="numeric" />
        </fieldset>
        {!id && (
          <label className="checkbox">
            <input type="checkbox" checked={withChart} onChange={(e) => setWithChart(e.target.checked)} />
            {t("companies.withChart")}
          </label>
        )}
        {!readOnly && (
          <button type="submit" disabled={call.busy}>
            {id ? t("save") : t("create")}
          </button>
        )}
      </form>
    </section>
  );
}
