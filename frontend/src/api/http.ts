// The runtime of the generated calls (src/gen/*.ts): builds the request from a route of the
// contract's google.api.http option, sends it with the access token, refreshes the token once
// on a 401, and turns error bodies (google.rpc.Status) into ApiError.

export interface Route {
  service: string; // the mesh service behind the route, named in "unavailable" errors
  method: string;
  path: string; // template: /api/companies/{company_id}/accounts/{id}
  body: string; // "*": every field not in the path; "": none (all go to the query); else one field
  raw: boolean; // the answer is a google.api.HttpBody: the bytes, not JSON
}

// google.api.HttpBody as the edge prints it; as a request body the browser sends a file or a
// multipart form instead, which the edge passes through as the body's bytes.
export type HttpBody = { content_type: string; data: string; extensions?: unknown[] } | Blob | FormData;

// What a caller may send: any subset of the request's fields (the edge fills the rest with
// their defaults), never a field the contract does not define.
export type Input<T> = T extends Blob | FormData
  ? T
  : T extends (infer U)[]
    ? Input<U>[]
    : T extends object
      ? { [K in keyof T]?: Input<T[K]> }
      : T;

export interface CallOptions {
  signal?: AbortSignal;
  auth?: boolean; // false: send no token and do not refresh (login, refresh itself)
}

// One entry of google.rpc.Status.details, as the edge prints it.
export interface ErrorDetail {
  "@type"?: string;
  field_violations?: { field: string; description: string }[];
  violations?: { type: string; subject: string; description: string }[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number, // HTTP status; 0 when the edge could not be reached
    readonly code: number, // gRPC code from the body
    message: string,
    readonly service: string,
    readonly violations: Record<string, string> = {},
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

// ---- the session: tokens kept in localStorage so a reload stays signed in ----

export interface Session {
  token: string;
  refresh_token: string;
}

const SESSION_KEY = "baraba.session";
let refresher: ((refreshToken: string) => Promise<Session>) | null = null;
let refreshing: Promise<boolean> | null = null;
const listeners = new Set<(session: Session | null) => void>();

export function getSession(): Session | null {
  try {
    return JSON.parse(localStorage.getItem(SESSION_KEY) ?? "null");
  } catch {
    return null;
  }
}

export function setSession(session: Session | null): void {
  if (session) localStorage.setItem(SESSION_KEY, JSON.stringify(session));
  else localStorage.removeItem(SESSION_KEY);
  listeners.forEach((listener) => listener(session));
}

export function onSessionChange(listener: (session: Session | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** How to trade a refresh token for new tokens (the identity contract's RefreshToken). */
export function setRefresher(fn: (refreshToken: string) => Promise<Session>): void {
  refresher = fn;
}

// One refresh at a time: parallel 401s wait for the same one (refresh tokens rotate, a second
// use of the same one would end the session).
async function refreshOnce(): Promise<boolean> {
  const session = getSession();
  if (!session || !refresher) return false;
  refreshing ??= refresher(session.refresh_token)
    .then((fresh) => {
      setSession(fresh);
      return true;
    })
    .catch(() => {
      setSession(null);
      return false;
    })
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

// ---- building the request ----

function fieldAt(source: Record<string, unknown>, path: string): unknown {
  return path.split(".").reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], source);
}

function withoutField(source: Record<string, unknown>, path: string): Record<string, unknown> {
  const [head, ...rest] = path.split(".");
  const copy = { ...source };
  if (rest.length === 0) delete copy[head];
  else if (copy[head] && typeof copy[head] === "object") copy[head] = withoutField(copy[head] as Record<string, unknown>, rest.join("."));
  return copy;
}

function appendQuery(query: URLSearchParams, prefix: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) value.forEach((item) => appendQuery(query, prefix, item));
  else if (typeof value === "object") Object.entries(value).forEach(([key, inner]) => appendQuery(query, prefix ? `${prefix}.${key}` : key, inner));
  else query.append(prefix, String(value));
}

export function buildRequest(route: Route, input: Record<string, unknown>): { url: string; init: RequestInit } {
  let rest = input;
  const path = route.path.replace(/\{([^}=]+)(=[^}]*)?\}/g, (_, name: string) => {
    const value = fieldAt(input, name);
    rest = withoutField(rest, name);
    return encodeURIComponent(String(value ?? ""));
  });
  const init: RequestInit = { method: route.method, headers: {} };
  const headers = init.headers as Record<string, string>;
  const query = new URLSearchParams();
  if (route.body === "*") {
    init.body = JSON.stringify(rest);
    headers["content-type"] = "application/json";
  } else if (route.body) {
    const body = rest[route.body];
    rest = withoutField(rest, route.body);
    appendQuery(query, "", rest);
    if (body instanceof Blob || body instanceof FormData) {
      init.body = body; // the browser sets the content type (with the multipart boundary)
    } else {
      init.body = JSON.stringify(body ?? {});
      headers["content-type"] = "application/json";
    }
  } else {
    appendQuery(query, "", rest);
  }
  const search = query.toString();
  return { url: search ? `${path}?${search}` : path, init };
}

async function errorOf(route: Route, reply: Response): Promise<ApiError> {
  let body: { code?: number; message?: string; details?: ErrorDetail[] } = {};
  try {
    body = await reply.json();
  } catch {
    // Not JSON (a proxy in between): the status says enough.
  }
  const violations: Record<string, string> = {};
  for (const detail of body.details ?? []) {
    if (detail["@type"]?.endsWith("google.rpc.BadRequest")) {
      for (const violation of detail.field_violations ?? []) violations[violation.field] = violation.description;
    }
  }
  return new ApiError(reply.status, body.code ?? 2, body.message ?? reply.statusText, route.service, violations, body.details ?? []);
}

async function send(route: Route, input: Record<string, unknown>, options: CallOptions): Promise<Response> {
  const auth = options.auth !== false;
  for (let attempt = 0; ; attempt++) {
    const { url, init } = buildRequest(route, input);
    const token = auth ? getSession()?.token : undefined;
    if (token) (init.headers as Record<string, string>).authorization = `Bearer ${token}`;
    let reply: Response;
    try {
      reply = await fetch(url, { ...init, signal: options.signal });
    } catch (error) {
      if ((error as Error).name === "AbortError") throw error;
      throw new ApiError(0, 14, (error as Error).message, route.service);
    }
    if (reply.ok) return reply;
    if (reply.status === 401 && auth && attempt === 0 && (await refreshOnce())) continue;
    const failure = await errorOf(route, reply);
    if (reply.status === 401 && auth) setSession(null); // the app sends the person to the login
    throw failure;
  }
}

/** A typed call of one route; generated code creates one per RPC. */
export function rpc<Req, Res>(route: Route) {
  return async (input: Input<Req>, options: CallOptions = {}): Promise<Res> => {
    const reply = await send(route, input as Record<string, unknown>, options);
    if (route.raw) return reply as Res;
    return (await reply.json()) as Res;
  };
}
