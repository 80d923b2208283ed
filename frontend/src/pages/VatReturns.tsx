// The monthly VAT return: pick a month, generate it, see why it cannot be written (per entry,
// with a link to it) or its main cells, download each file and the ZIP; earlier versions too.
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { ApiError } from "../api/http";
import { useCompanies } from "../company";
import { saveAnswer } from "../download";
import { currencyOn, formatAmount, formatDate, parseAmount } from "../format";
import { VatReturnService, type VatChoices, type VatReturn } from "../gen/vat";
import { useLang, useT } from "../i18n";
import { ErrorBox, Field, useCall, useOnce, useRequestId } from "../ui";

const MAIN_CELLS: [string, string, string][] = [
  ["01-01", "Общ размер на данъчните основи за облагане с ДДС", "Total taxable base"],
  ["01-20", "Всичко начислен ДДС", "Total VAT charged"],
  ["01-11", "Данъчна основа, ставка 20 %", "Base at 20 %"],
  ["01-21", "ДДС, ставка 20 %", "VAT at 20 %"],
  ["01-13", "Данъчна основа, ставка 9 %", "Base at 9 %"],
  ["01-15", "Данъчна основа на ВОД", "Intra-community supplies"],
  ["01-30", "Покупки без право на данъчен кредит", "Purchases without credit"],
  ["01-31", "Покупки с право на пълен данъчен кредит", "Purchases with full credit"],
  ["01-41", "Данъчен кредит, пълен", "Tax credit, full"],
  ["01-40", "Общо данъчен кредит", "Total tax credit"],
  ["01-50", "ДДС за внасяне", "VAT payable"],
  ["01-60", "ДДС за възстановяване", "VAT refundable"],
];

interface Problem {
  subject: string;
  description: string;
  /** The journal entry the problem is about, when it is an entry's. */
  entryId?: string;
}

function lastMonth(): string {
  const now = new Date();
  const d = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`;
}

const ENTRY_PREFIX = "journal-entries/";

/** The problems of a return that cannot be written, one per entry or company field. */
function problemsOf(error: unknown): Problem[] {
  if (!(error instanceof ApiError)) return [];
  return error.details
    .filter((d) => d["@type"]?.endsWith("google.rpc.PreconditionFailure"))
    .flatMap((d) => d.violations ?? [])
    .map((v) => {
      // An entry's problem names it as "journal-entries/<id>".
      const entryId = v.type === "VAT_ENTRY" && v.subject.startsWith(ENTRY_PREFIX) ? v.subject.slice(ENTRY_PREFIX.length) : undefined;
      return { subject: v.subject, description: v.description, entryId };
    });
}

export default function VatReturns() {
  const t = useT();
  const { lang } = useLang();
  const { current } = useCompanies();
  const [month, setMonth] = useState(lastMonth);
  const [choices, setChoices] = useState({ coefficient: "", paid: "" });
  const [returns, setReturns] = useState<VatReturn[]>([]);
  const [shown, setShown] = useState<VatReturn | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [requestId, renewRequestId] = useRequestId();
  const call = useCall();
  const list = useCall();
  const once = useOnce();
  const period = month.replace("-", "");

  const reload = useCallback(async () => {
    if (!current) return;
    const found = await VatReturnService.listVatReturns({ company_id: current.id, period, page_size: 50 });
    setReturns(found.vat_returns);
    setShown((s) => (s && s.period === period ? s : (found.vat_returns[0] ?? null)));
  }, [current, period]);

  useEffect(() => {
    setProblems([]);
    list.run(reload);
  }, [reload, list.run]);

  async function generate(event: FormEvent) {
    event.preventDefault();
    await once(async () => {
      setProblems([]);
      const wanted: VatChoices = {};
      const violations: Record<string, string> = {};
      for (const key of ["coefficient", "paid"] as const) {
        if (!choices[key].trim()) continue;
        const parsed = key === "coefficient" ? choices[key].trim().replace(",", ".") : parseAmount(choices[key]);
        if (!parsed) violations[`choices.${key}`] = t("error.amount");
        else wanted[key] = parsed;
      }
      if (Object.keys(violations).length) {
        call.setFailure({ message: t("error.fields"), violations });
        return;
      }
      const made = await call.run(async () => {
        try {
          return await VatReturnService.createVatReturn({ company_id: current!.id, period, choices: wanted, request_id: requestId });
        } catch (error) {
          setProblems(problemsOf(error));
          throw error;
        }
      });
      if (!made) return;
      renewRequestId();
      setShown(made);
      await reload();
    });
  }

  async function download(vatReturn: VatReturn, file?: string) {
    await call.run(async () => {
      const reply = file
        ? await VatReturnService.downloadVatFile({ company_id: vatReturn.company_id, id: vatReturn.id, file_name: file })
        : await VatReturnService.downloadVatArchive({ company_id: vatReturn.company_id, id: vatReturn.id });
      await saveAnswer(reply, file ?? `VAT-${vatReturn.period}-v${vatReturn.version}.zip`);
    });
  }

  if (!current) return <p>{t("company.none")}</p>;
  const currency = currencyOn(period);
  return (
    <section aria-labelledby="vat-title">
      <h1 id="vat-title">{t("vat.title")}</h1>
      <form className="filters" onSubmit={generate}>
        <div className="field">
          <label htmlFor="vat-month">{t("vat.month")}</label>
          <input id="vat-month" type="month" required value={month} onChange={(e) => setMonth(e.target.value)} />
        </div>
        <Field label={t("vat.coefficient")} name="choices.coefficient" failure={call.failure} inputMode="decimal" value={choices.coefficient} onChange={(e) => setChoices({ ...choices, coefficient: e.target.value })} />
        <Field label={`${t("vat.paid")} (${currency})`} name="choices.paid" failure={call.failure} inputMode="decimal" value={choices.paid} onChange={(e) => setChoices({ ...choices, paid: e.target.value })} />
        <button type="submit" disabled={call.busy}>
          {t("vat.generate")}
        </button>
      </form>
      <ErrorBox failure={problems.length ? { ...call.failure!, message: t("vat.cannotWrite", { count: problems.length }) } : call.failure} shown={["choices.coefficient", "choices.paid", "period"]} />
      {problems.length > 0 && (
        <div className="table-wrap">
          <table aria-label={t("vat.problems")}>
            <thead>
              <tr>
                <th scope="col">{t("vat.subject")}</th>
                <th scope="col">{t("vat.problem")}</th>
              </tr>
            </thead>
            <tbody>
              {problems.map((p, i) => (
                <tr key={i}>
                  <td>
                    {p.entryId ? (
                      <Link to={`/journal/${p.entryId}`} aria-describedby={`vat-problem-${i}`}>
                        {t("vat.openEntry")}
                      </Link>
                    ) : (
                      p.subject
                    )}
                  </td>
                  <td id={`vat-problem-${i}`}>{p.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorBox failure={list.failure} />
      {shown && (
        <article className="card" style={{ maxWidth: "none", marginTop: "1rem" }} aria-labelledby="return-title">
          <h2 id="return-title">{t("vat.returnOf", { period: `${shown.period.slice(4)}.${shown.period.slice(0, 4)}`, version: shown.version })}</h2>
          <p className="muted">
            {t("vat.madeBy", { name: shown.created_by_name, date: formatDate(shown.created_at) })} · {shown.currency}
          </p>
          <table aria-label={t("vat.cells")}>
            <tbody>
              {MAIN_CELLS.filter(([code]) => code in shown.cells).map(([code, bg, en]) => (
                <tr key={code}>
                  <th scope="row">
                    {code} {lang === "bg" ? bg : en}
                  </th>
                  <td className="num">
                    {formatAmount(shown.cells[code])} {shown.currency}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>{t("vat.files")}</h3>
          <ul className="actions" style={{ listStyle: "none", padding: 0 }}>
            {shown.files.map((f) => (
              <li key={f.name}>
                <button type="button" className="secondary" onClick={() => download(shown, f.name)}>
                  {f.name} ({t("vat.records", { count: f.records })})
                </button>
              </li>
            ))}
            <li>
              <button type="button" onClick={() => download(shown)}>
                {t("vat.zip")}
              </button>
            </li>
          </ul>
        </article>
      )}
      {returns.length > 1 && (
        <section aria-labelledby="versions-title" style={{ marginTop: "1rem" }}>
          <h2 id="versions-title">{t("vat.versions")}</h2>
          <ul>
            {returns.map((r) => (
              <li key={r.id}>
                <button type="button" className="link" aria-current={shown?.id === r.id} onClick={() => setShown(r)}>
                  {t("vat.version", { version: r.version })}
                </button>{" "}
                {formatDate(r.created_at)} · {r.created_by_name}
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}
