// Users (manage_users only): list, create, edit, delete, reset a password, and which
// companies each one may work on.
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { allCompanies } from "../company";
import { CompanyAccessService, UserGroupService, UserService, type CompanyAccess, type User, type UserGroup } from "../gen/identity";
import type { Company } from "../gen/ledger";
import { useT } from "../i18n";
import { ErrorBox, Field, Select, useCall } from "../ui";

const blank = { username: "", email: "", password: "", first_name: "", last_name: "", group_id: "", is_active: true };

export default function Users() {
  const t = useT();
  const [users, setUsers] = useState<User[]>([]);
  const [groups, setGroups] = useState<UserGroup[]>([]);
  const [selected, setSelected] = useState<User | null>(null);
  const [creating, setCreating] = useState(false);
  const list = useCall();

  const reload = useCallback(async () => {
    const [all, found] = await Promise.all([UserService.listUsers({ page_size: 500 }), UserGroupService.listUserGroups({})]);
    setUsers(all.users);
    setGroups(found.user_groups);
  }, []);

  useEffect(() => {
    list.run(reload);
  }, [reload, list.run]);

  return (
    <section aria-labelledby="users-title">
      <div className="page-head">
        <h1 id="users-title">{t("nav.users")}</h1>
        <button type="button" onClick={() => { setCreating(true); setSelected(null); }}>
          {t("users.new")}
        </button>
      </div>
      <ErrorBox failure={list.failure} />
      <div className="columns">
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("auth.username")}</th>
                <th scope="col">{t("users.name")}</th>
                <th scope="col">{t("users.group")}</th>
                <th scope="col">{t("users.active")}</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id} aria-selected={selected?.id === u.id}>
                  <td>
                    <button type="button" className="link" onClick={() => { setSelected(u); setCreating(false); }}>
                      {u.username}
                    </button>
                  </td>
                  <td>{`${u.first_name} ${u.last_name}`.trim()}</td>
                  <td>{u.group_name}</td>
                  <td>{u.is_active ? t("yes") : t("no")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {creating && <UserForm key="new" groups={groups} onDone={async (u) => { await reload(); setCreating(false); setSelected(u); }} />}
        {selected && <UserForm key={selected.id} user={selected} groups={groups} onDone={async (u) => { await reload(); setSelected(u); }} />}
      </div>
    </section>
  );
}

function UserForm({ user, groups, onDone }: { user?: User; groups: UserGroup[]; onDone: (user: User | null) => Promise<void> }) {
  const t = useT();
  const [form, setForm] = useState(user ? { ...blank, ...user, password: "" } : { ...blank, group_id: groups.find((g) => g.name === "accountants")?.id ?? groups[0]?.id ?? "" });
  const [newPassword, setNewPassword] = useState("");
  const [note, setNote] = useState("");
  const save = useCall();
  const reset = useCall();
  const set = (field: keyof typeof blank) => (e: { target: { value: string } }) => setForm({ ...form, [field]: e.target.value });

  async function submit(event: FormEvent) {
    event.preventDefault();
    setNote("");
    const saved = await save.run(() =>
      user
        ? UserService.updateUser({ id: user.id, username: form.username, email: form.email, first_name: form.first_name, last_name: form.last_name, group_id: form.group_id, is_active: form.is_active })
        : UserService.createUser({ username: form.username, email: form.email, password: form.password, first_name: form.first_name, last_name: form.last_name, group_id: form.group_id, is_active: form.is_active }),
    );
    if (saved) {
      setNote(t("profile.saved"));
      await onDone(saved);
    }
  }

  async function remove() {
    if (!user || !window.confirm(t("users.confirmDelete", { name: user.username }))) return;
    if ((await save.run(() => UserService.deleteUser({ id: user.id }))) !== undefined) await onDone(null);
  }

  async function resetPassword(event: FormEvent) {
    event.preventDefault();
    if (!user) return;
    if ((await reset.run(() => UserService.resetUserPassword({ id: user.id, new_password: newPassword }))) !== undefined) {
      setNewPassword("");
      setNote(t("profile.passwordChanged"));
    }
  }

  return (
    <div className="card" style={{ maxWidth: "none" }}>
      <form onSubmit={submit} aria-labelledby="user-form-title">
        <h2 id="user-form-title">{user ? user.username : t("users.new")}</h2>
        {note && <p className="ok" role="status">{note}</p>}
        <ErrorBox failure={save.failure} shown={["username", "email", "password", "first_name", "last_name", "group_id"]} />
        <Field label={t("auth.username")} name="username" failure={save.failure} value={form.username} onChange={set("username")} autoComplete="off" />
        <Field label={t("user.email")} name="email" type="email" failure={save.failure} value={form.email} onChange={set("email")} />
        {!user && <Field label={t("auth.password")} name="password" type="password" autoComplete="new-password" failure={save.failure} value={form.password} onChange={set("password")} />}
        <Field label={t("user.firstName")} name="first_name" failure={save.failure} value={form.first_name} onChange={set("first_name")} />
        <Field label={t("user.lastName")} name="last_name" failure={save.failure} value={form.last_name} onChange={set("last_name")} />
        <Select label={t("users.group")} name="group_id" failure={save.failure} value={form.group_id} onChange={set("group_id")}>
          {groups.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </Select>
        <label className="checkbox">
          <input type="checkbox" checked={form.is_active} onChange={(e) => setForm({ ...form, is_active: e.target.checked })} />
          {t("users.active")}
        </label>
        <div className="actions">
          <button type="submit" disabled={save.busy}>{user ? t("save") : t("create")}</button>
          {user && <button type="button" className="danger" onClick={remove}>{t("delete")}</button>}
        </div>
      </form>
      {user && (
        <>
          <form onSubmit={resetPassword} aria-labelledby="reset-title" style={{ marginTop: "1rem" }}>
            <h3 id="reset-title">{t("users.resetPassword")}</h3>
            <ErrorBox failure={reset.failure} shown={["new_password"]} />
            <Field label={t("profile.newPassword")} name="new_password" type="password" autoComplete="new-password" failure={reset.failure} value={newPassword} onChange={(e) => setNewPassword(e.target.value)} />
            <button type="submit" className="secondary" disabled={reset.busy}>{t("users.resetPassword")}</button>
          </form>
          <CompanyAccessEditor user={user} />
        </>
      )}
    </div>
  );
}

function CompanyAccessEditor({ user }: { user: User }) {
  const t = useT();
  const [grants, setGrants] = useState<CompanyAccess[]>([]);
  const [companies, setCompanies] = useState<Company[]>([]);
  const [chosen, setChosen] = useState("");
  const call = useCall();

  const reload = useCallback(async () => {
    const [found, all] = await Promise.all([CompanyAccessService.listCompanyAccess({ user_id: user.id }), allCompanies()]);
    setGrants(found.grants);
    setCompanies(all);
  }, [user.id]);

  useEffect(() => {
    call.run(reload);
  }, [reload, call.run]);

  const name = (id: string) => companies.find((c) => c.id === id)?.name ?? id;
  const available = companies.filter((c) => !grants.some((g) => g.company_id === c.id));

  return (
    <div style={{ marginTop: "1rem" }}>
      <h3 id="access-title">{t("users.companies")}</h3>
      <ErrorBox failure={call.failure} />
      <ul aria-labelledby="access-title">
        {grants.map((g) => (
          <li key={g.id}>
            {name(g.company_id)} {g.is_default && <span className="badge">{t("users.default")}</span>}{" "}
            <button type="button" className="link" aria-label={t("users.revokeN", { name: name(g.company_id) })} onClick={() => call.run(async () => { await CompanyAccessService.revokeCompanyAccess({ id: g.id }); await reload(); })}>
              {t("users.revoke")}
            </button>
          </li>
        ))}
        {grants.length === 0 && <li className="muted">{t("users.noCompanies")}</li>}
      </ul>
      <form
        className="actions"
        onSubmit={(e) => {
          e.preventDefault();
          if (chosen) call.run(async () => { await CompanyAccessService.grantCompanyAccess({ user_id: user.id, company_id: chosen, is_default: grants.length === 0 }); setChosen(""); await reload(); });
        }}
      >
        <Select label={t("users.grantCompany")} name="company_id" value={chosen} onChange={(e) => setChosen(e.target.value)}>
          <option value="">—</option>
          {available.map((c) => (
            <option key={c.id} value={c.id}>{c.name}</option>
          ))}
        </Select>
        <button type="submit" className="secondary" disabled={!chosen}>{t("users.grant")}</button>
      </form>
    </div>
  );
}
