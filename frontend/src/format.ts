// Amounts and dates the Bulgarian way. Amounts stay decimal strings end to end (the contract's
// "123.45"): never parsed into a float, so no cent is ever lost to rounding.

const GROUPING = /[\s\u00a0\u202f']/g;

/** "1234.5" -> "1 234,50"; an empty or invalid value is shown as it is. */
export function formatAmount(value: string | undefined | null): string {
  if (value === undefined || value === null || value === "") return "";
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!match) return value;
  const [, sign, whole, fraction = ""] = match;
  const grouped = whole.replace(/^0+(?=\d)/, "").replace(/\B(?=(\d{3})+(?!\d))/g, " ");
  return `${sign}${grouped},${fraction.padEnd(2, "0")}`;
}

/** What a person typed, either way ("1 234,56", "1234.56", "1,234.56", "1.234,56"), as the
 * contract's decimal string "1234.56"; null when it is no amount or has more than 2 decimals. */
export function parseAmount(text: string): string | null {
  let value = text.trim().replace(GROUPING, "");
  if (value === "") return null;
  const sign = value.startsWith("-") ? "-" : "";
  value = value.replace(/^[-+]/, "");
  const lastComma = value.lastIndexOf(",");
  const lastDot = value.lastIndexOf(".");
  let decimal = "";
  if (lastComma >= 0 && lastDot >= 0) decimal = lastComma > lastDot ? "," : ".";
  else if (lastComma >= 0) decimal = value.indexOf(",") === lastComma ? "," : "";
  else if (lastDot >= 0) decimal = value.indexOf(".") === lastDot ? "." : "";
  const grouping = decimal === "," ? "." : decimal === "." ? "," : lastComma >= 0 ? "," : ".";
  const [grouped, fraction = "", ...extra] = decimal ? value.split(decimal) : [value];
  const groups = grouped.split(grouping);
  // Grouped thousands are groups of three after the first: "1,234,5" is a typing error.
  if (extra.length || (groups.length > 1 && (!/^\d{1,3}$/.test(groups[0]) || groups.slice(1).some((g) => !/^\d{3}$/.test(g))))) return null;
  const whole = groups.join("");
  if (!/^\d+$/.test(whole || "0") || !/^\d{0,2}$/.test(fraction) || (whole === "" && fraction === "")) return null;
  const normalised = `${whole.replace(/^0+(?=\d)/, "") || "0"}${fraction ? "." + fraction.padEnd(2, "0") : ""}`;
  return sign && /[1-9]/.test(normalised) ? sign + normalised : normalised;
}

/** Sum of decimal strings, exact (in cents, as BigInt). */
export function sumAmounts(values: (string | null | undefined)[]): string {
  const cents = values.reduce<bigint>((total, value) => total + toCents(value), 0n);
  return fromCents(cents);
}

export function toCents(value: string | null | undefined): bigint {
  if (!value) return 0n;
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(value);
  if (!match) return 0n;
  const cents = BigInt(match[2]) * 100n + BigInt((match[3] ?? "").padEnd(2, "0") || "0");
  return match[1] ? -cents : cents;
}

export function fromCents(cents: bigint): string {
  const sign = cents < 0n ? "-" : "";
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}`;
}

/** "2025-03-10" or an RFC 3339 timestamp -> "10.03.2025"; empty stays empty. */
export function formatDate(value: string | undefined | null): string {
  if (!value) return "";
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split("-");
    return `${d}.${m}.${y}`;
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(date.getDate())}.${pad(date.getMonth() + 1)}.${date.getFullYear()}`;
}

/** "10.03.2025", "10.3.2025", "10/03/2025" or "2025-03-10" -> "2025-03-10"; null when it is
 * no real date. */
export function parseDate(text: string): string | null {
  const value = text.trim();
  let y: number, m: number, d: number;
  let match = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(value);
  if (match) [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value))) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** The currency of the books on a date ("2025-12-31") or in a period ("202601"): the lev
 * until the end of 2025, the euro from 1 January 2026. */
export function currencyOn(dateOrPeriod: string): "BGN" | "EUR" {
  const period = dateOrPeriod.replace(/-/g, "").slice(0, 6);
  return period >= "202601" ? "EUR" : "BGN";
}
