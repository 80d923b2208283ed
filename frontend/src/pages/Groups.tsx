// Groups and their permission flags (manage_users only).
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { UserGroupService, type Permissions, type UserGroup } from "../gen/identity";
import { useT } from "../i18n";
import type { Messages } from "../messages";
import { ErrorBox, Field, useCall } from "../ui";

const FLAGS: (keyof Permissions)[] = ["manage_users", "manage_companies", "post_entries", "vat_returns", "scanning", "view_reports"];
const noPermissions = (): Permissions => ({ manage_users: false, manage_companies: false, post_entries: false, vat_returns: false, scanning: false, view_reports: false });

export default function Groups() {
  const t = useT();
  const [groups, setGroups] = useState<UserGroup[]>([]);
  const [created, setCreated] = useState(0); // a fresh empty form after each new group
  const list = useCall();
  const reload = useCallback(async () => setGroups((await UserGroupService.listUserGroups({})).user_groups), []);
  useEffect(() => {
    list.run(reload);
  }, [reload, list.run]);

  return (
    <section aria-labelledby="groups-title">
      <h1 id="groups-title">{t("nav.groups")}</h1>
      <ErrorBox failure={list.failure} />
      <div className="columns">
        {groups.map((g) => (
          <GroupForm key={g.id} group={g} onDone={reload} />
        ))}
        <GroupForm
          key={`new-${created}`}
          onDone={async () => {
            await reload();
            setCreated((n) => n + 1);
          }}
        />
      </div>
    </section>
  );
}

function GroupForm({ group, onDone }: { group?: UserGroup; onDone: () => Promise<void> }) {
  const t = useT();
  const [name, setName] = useState(group?.name ?? "");
  const [description, setDescription] = useState(group?.description ?? "");
  const [permissions, setPermissions] = useState<Permissions>(group?.permissions ?? noPermissions());
  const [note, setNote] = useState("");
  const call = useCall();
  const title = group ? group.name : t("groups.new");

  async function submit(event: FormEvent) {
    event.preventDefault();
    setNote("");
    const saved = await call.run(() =>
      group ? UserGroupService.updateUserGroup({ id: group.id, name, description, permissions }) : UserGroupService.createUserGroup({ name, description, permissions }),
    );
    if (saved) {
      setNote(t("profile.saved"));
      await onDone();
    }
  }

  async function remove() {
    if (!group || !window.confirm(t("groups.confirmDelete", { name: group.name }))) return;
    if ((await call.run(() => UserGroupService.deleteUserGroup({ id: group.id }))) !== undefined) await onDone();
  }

  return (
    <form className="card" onSubmit={submit} aria-label={title}>
      <h2>{title}</h2>
      {group && <p className="muted">{t("groups.members", { count: group.member_count })}</p>}
      {note && <p className="ok" role="status">{note}</p>}
      <ErrorBox failure={call.failure} shown={["name", "description"]} />
      <Field label={t("groups.name")} name="name" failure={call.failure} value={name} onChange={(e) => setName(e.target.value)} />
      <Field label={t("groups.description")} name="description" failure={call.failure} value={description} onChange={(e) => setDescription(e.target.value)} />
      <fieldset>
        <legend>{t("groups.permissions")}</legend>
        {FLAGS.map((flag) => (
          <label key={flag} className="checkbox">
            <input type="checkbox" checked={permissions[flag]} onChange={(e) => setPermissions({ ...permissions, [flag]: e.target.checked })} />
            {t(`permission.${flag}` as keyof Messages)}
          </label>
        ))}
      </fieldset>
      <div className="actions">
        <button type="submit" disabled={call.busy}>{group ? t("save") : t("create")}</button>
        {group && (
          <button type="button" className="danger" onClick={remove}>
            {t("delete")}
          </button>
        )}
      </div>
    </form>
  );
}
