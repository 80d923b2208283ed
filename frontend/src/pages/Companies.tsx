import { Link } from "react-router-dom";
import { useAuth } from "../auth";
import { useCompanies } from "../company";
import { useT } from "../i18n";

export default function Companies() {
  const t = useT();
  const { can } = useAuth();
  const { companies, current, choose } = useCompanies();
  return (
    <section aria-labelledby="companies-title">
      <div className="page-head">
        <h1 id="companies-title">{t("nav.companies")}</h1>
        {can("manage_companies") && (
          <Link className="button" to="/companies/new">
            {t("companies.new")}
          </Link>
        )}
      </div>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t("companies.name")}</th>
              <th scope="col">{t("companies.eik")}</th>
              <th scope="col">{t("companies.vatNumber")}</th>
              <th scope="col">{t("companies.city")}</th>
              <th scope="col">
                <span className="sr-only">{t("company.current")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {companies.map((c) => (
              <tr key={c.id}>
                <td>
                  <Link to={`/companies/${c.id}`}>{c.name}</Link>
                </td>
                <td>{c.eik}</td>
                <td>{c.vat_number}</td>
                <td>{c.city}</td>
                <td>
                  {current?.id === c.id ? (
                    <span className="badge good">{t("companies.working")}</span>
                  ) : (
                    <button type="button" className="link" onClick={() => choose(c.id)} aria-label={t("companies.workOnN", { name: c.name })}>
                      {t("companies.workOn")}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
