import { NavLink, Outlet, useNavigate } from "react-router-dom";
import { useAuth } from "./auth";
import { useCompanies } from "./company";
import { useLang, useT } from "./i18n";

export function Layout() {
  const t = useT();
  const { lang, setLang } = useLang();
  const { me, can, logout } = useAuth();
  const { companies, current, choose } = useCompanies();
  const navigate = useNavigate();

  const links: [string, string, boolean][] = [
    ["/journal", t("nav.journal"), true],
    ["/accounts", t("nav.accounts"), true],
    ["/counterparts", t("nav.counterparts"), true],
    ["/vat", t("nav.vat"), can("vat_returns")],
    ["/scanner", t("nav.scanner"), can("scanning")],
    ["/companies", t("nav.companies"), true],
    ["/users", t("nav.users"), can("manage_users")],
    ["/groups", t("nav.groups"), can("manage_users")],
  ];

  return (
    <div className="shell">
      <header className="top">
        <a className="brand" href="/journal">
          {t("app.name")}
        </a>
        <label className="switcher">
          <span className="sr-only">{t("company.current")}</span>
          <select aria-label={t("company.current")} value={current?.id ?? ""} onChange={(e) => choose(e.target.value)}>
            {companies.length === 0 && <option value="">{t("company.none")}</option>}
            {companies.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <div className="top-right">
          <button type="button" className="link" onClick={() => setLang(lang === "bg" ? "en" : "bg")} aria-label={t("lang.switch")}>
            {lang === "bg" ? "EN" : "БГ"}
          </button>
          <NavLink to="/profile">{me?.username}</NavLink>
          <button
            type="button"
            className="link"
            onClick={async () => {
              await logout().catch(() => undefined);
              navigate("/login");
            }}
          >
            {t("auth.logout")}
          </button>
        </div>
      </header>
      <nav className="main-nav" aria-label={t("nav.label")}>
        {links
          .filter(([, , allowed]) => allowed)
          .map(([to, label]) => (
            <NavLink key={to} to={to}>
              {label}
            </NavLink>
          ))}
      </nav>
      <main>
        <Outlet />
      </main>
    </div>
  );
}
