// Shared form pieces: labelled fields that show the API's field errors beside them, and one
// way to run a call and turn its failure into words (400 per field, 403, 503 naming the service).
import { useCallback, useId, useRef, useState, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from "react";
import { ApiError } from "./api/http";
import { useT } from "./i18n";
import type { Messages } from "./messages";

export interface Failure {
  message: string;
  violations: Record<string, string>;
}

/** Runs calls for one form; keeps the failure of the last one. */
export function useCall() {
  const t = useT();
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async <T,>(call: () => Promise<T>): Promise<T | undefined> => {
      setBusy(true);
      setFailure(null);
      try {
        return await call();
      } catch (error) {
        setFailure(describe(error, t));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [t],
  );
  return { failure, busy, run, setFailure };
}

export function describe(error: unknown, t: ReturnType<typeof useT>): Failure {
  if (!(error instanceof ApiError)) return { message: String((error as Error)?.message ?? error), violations: {} };
  const service = t(`service.${error.service}` as keyof Messages) || error.service;
  switch (error.status) {
    case 400:
      return { message: Object.keys(error.violations).length ? t("error.fields") : error.message, violations: error.violations };
    case 403:
      return { message: t("error.forbidden"), violations: {} };
    case 404:
      return { message: t("error.notFound"), violations: {} };
    case 409:
      return { message: `${t("error.conflict")} ${error.message}`, violations: {} };
    case 0:
    case 502:
    case 503:
    case 504:
      return { message: t("error.unavailable", { service, reason: error.message }), violations: {} };
    default:
      return { message: error.message, violations: {} };
  }
}

/** The failure above a form: its message, and field errors no field on screen shows. */
export function ErrorBox({ failure, shown = [] }: { failure: Failure | null; shown?: string[] }) {
  if (!failure) return null;
  const others = Object.entries(failure.violations).filter(([field]) => !shown.includes(field));
  return (
    <div className="error-box" role="alert">
      <p>{failure.message}</p>
      {others.length > 0 && (
        <ul>
          {others.map(([field, text]) => (
            <li key={field}>
              <code>{field}</code>: {text}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

type FieldProps = {
  label: ReactNode;
  name: string; // the request field, as the API names it in field errors
  failure?: Failure | null;
  hint?: ReactNode;
} & InputHTMLAttributes<HTMLInputElement>;

export function Field({ label, name, failure, hint, className, ...input }: FieldProps) {
  const id = useId();
  const error = failure?.violations[name];
  return (
    <div className={`field ${className ?? ""}`}>
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} {...input} />
      {hint && !error && <small>{hint}</small>}
      {error && (
        <span className="field-error" id={`${id}-error`} data-field={name}>
          {error}
        </span>
      )}
    </div>
  );
}

type SelectProps = {
  label: ReactNode;
  name: string;
  failure?: Failure | null;
  children: ReactNode;
} & SelectHTMLAttributes<HTMLSelectElement>;

export function Select({ label, name, failure, children, ...select }: SelectProps) {
  const id = useId();
  const error = failure?.violations[name];
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} {...select}>
        {children}
      </select>
      {error && (
        <span className="field-error" id={`${id}-error`} data-field={name}>
          {error}
        </span>
      )}
    </div>
  );
}

/** A request id per form: a double click or a retry of the same form sends the same one, so
 * the server books once; a new one only after a success. */
export function useRequestId(): [string, () => void] {
  const [id, setId] = useState(newRequestId);
  const renew = useCallback(() => setId(newRequestId()), []);
  return [id, renew];
}

export function newRequestId(): string {
  // A version 4 UUID; crypto.randomUUID exists only on https and localhost.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Guards against a second submit while the first is on its way. */
export function useOnce() {
  const pending = useRef(false);
  return useCallback(async (work: () => Promise<void>) => {
    if (pending.current) return;
    pending.current = true;
    try {
      await work();
    } finally {
      pending.current = false;
    }
  }, []);
}

export function Spinner() {
  const t = useT();
  return (
    <p className="muted" role="status">
      {t("loading")}
    </p>
  );
}
