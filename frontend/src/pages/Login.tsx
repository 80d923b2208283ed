import { useEffect, useState, type FormEvent } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router-dom";
import { ApiError } from "../api/http";
import { useAuth } from "../auth";
import { useLang, useT } from "../i18n";
import { ErrorBox, Field, useCall } from "../ui";

export function Login() {
  const t = useT();
  const { lang, setLang } = useLang();
  const { me, login } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = params.get("next") || "/journal";
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const { failure, busy, run, setFailure } = useCall();

  // While the person types, fetch the screen most sign-ins open, so it does not wait for it.
  useEffect(() => {
    const timer = setTimeout(() => void import("./JournalList").catch(() => undefined), 300);
    return () => clearTimeout(timer);
  }, []);

  if (me) return <Navigate to={next} replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    await run(async () => {
      try {
        await login(username, password);
        navigate(next, { replace: true });
      } catch (error) {
        // Wrong name or password is a 401 here, not an expired session.
        if (error instanceof ApiError && error.status === 401) {
          setFailure({ message: t("auth.wrong"), violations: {} });
          return;
        }
        if (error instanceof ApiError && error.status === 429) {
          setFailure({ message: t("auth.locked"), violations: {} });
          return;
        }
        throw error;
      }
    });
  }

  return (
    <main className="login">
      <form onSubmit={submit} className="card" aria-labelledby="login-title">
        <h1 id="login-title">{t("app.name")}</h1>
        <p className="muted">{t("auth.title")}</p>
        <ErrorBox failure={failure} shown={["username", "password"]} />
        <Field label={t("auth.username")} name="username" failure={failure} autoComplete="username" autoFocus required value={username} onChange={(e) => setUsername(e.target.value)} />
        <Field label={t("auth.password")} name="password" failure={failure} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <button type="submit" disabled={busy}>
          {t("auth.login")}
        </button>
        <button type="button" className="link" onClick={() => setLang(lang === "bg" ? "en" : "bg")}>
          {lang === "bg" ? "English" : "Български"}
        </button>
      </form>
    </main>
  );
}
