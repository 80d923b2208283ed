import { useState, type FormEvent } from "react";
import { useAuth } from "../auth";
import { AuthService } from "../gen/identity";
import { useT } from "../i18n";
import { ErrorBox, Field, useCall } from "../ui";

export default function Profile() {
  const t = useT();
  const { me, reload } = useAuth();
  const [profile, setProfile] = useState({ email: me?.email ?? "", first_name: me?.first_name ?? "", last_name: me?.last_name ?? "" });
  const [passwords, setPasswords] = useState({ current_password: "", new_password: "" });
  const [saved, setSaved] = useState("");
  const profileCall = useCall();
  const passwordCall = useCall();

  async function saveProfile(event: FormEvent) {
    event.preventDefault();
    setSaved("");
    if (await profileCall.run(() => AuthService.updateProfile(profile))) {
      await reload();
      setSaved(t("profile.saved"));
    }
  }

  async function changePassword(event: FormEvent) {
    event.preventDefault();
    setSaved("");
    if (await passwordCall.run(() => AuthService.changePassword(passwords))) {
      setPasswords({ current_password: "", new_password: "" });
      setSaved(t("profile.passwordChanged"));
    }
  }

  return (
    <section aria-labelledby="profile-title">
      <h1 id="profile-title">{t("profile.title")}</h1>
      <p className="muted">
        {me?.username} · {me?.group_name}
      </p>
      {saved && (
        <p className="ok" role="status">
          {saved}
        </p>
      )}
      <div className="columns">
        <form className="card" onSubmit={saveProfile} aria-labelledby="profile-data">
          <h2 id="profile-data">{t("profile.data")}</h2>
          <ErrorBox failure={profileCall.failure} shown={["email", "first_name", "last_name"]} />
          <Field label={t("user.email")} name="email" type="email" failure={profileCall.failure} value={profile.email} onChange={(e) => setProfile({ ...profile, email: e.target.value })} />
          <Field label={t("user.firstName")} name="first_name" failure={profileCall.failure} value={profile.first_name} onChange={(e) => setProfile({ ...profile, first_name: e.target.value })} />
          <Field label={t("user.lastName")} name="last_name" failure={profileCall.failure} value={profile.last_name} onChange={(e) => setProfile({ ...profile, last_name: e.target.value })} />
          <button type="submit" disabled={profileCall.busy}>
            {t("save")}
          </button>
        </form>
        <form className="card" onSubmit={changePassword} aria-labelledby="profile-password">
          <h2 id="profile-password">{t("profile.changePassword")}</h2>
          <ErrorBox failure={passwordCall.failure} shown={["current_password", "new_password"]} />
          <Field label={t("profile.currentPassword")} name="current_password" type="password" autoComplete="current-password" failure={passwordCall.failure} value={passwords.current_password} onChange={(e) => setPasswords({ ...passwords, current_password: e.target.value })} />
          <Field label={t("profile.newPassword")} name="new_password" type="password" autoComplete="new-password" failure={passwordCall.failure} value={passwords.new_password} onChange={(e) => setPasswords({ ...passwords, new_password: e.target.value })} />
          <button type="submit" disabled={passwordCall.busy}>
            {t("profile.changePassword")}
          </button>
        </form>
      </div>
    </section>
  );
}
