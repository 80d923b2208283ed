// The invoice's lines on the review screen: values the Bulgarian way, low-confidence lines
// marked, every cell an input labelled with its column and line, the lines' sum set against
// the tax base.
import { formatAmount, parseAmount, sumAmounts } from "../format";
import type { LineItem, LineItemInput } from "../gen/scanner";
import { useT } from "../i18n";
import type { Messages } from "../messages";

export type TypedLine = LineItemInput;
type Column = keyof TypedLine;

const COLUMNS: Column[] = ["description", "quantity", "unit", "unit_price", "amount", "vat_rate"];
const NUMERIC = new Set<Column>(["quantity", "unit_price", "amount", "vat_rate"]);

/** A decimal string with up to 6 decimals ("2.5", "8.50") the Bulgarian way ("2,5", "8,50"). */
function formatDecimal(value: string): string {
  return value.replace(".", ",");
}

/** What a person typed in a quantity or unit price ("2,5", "1 249,99") as a decimal string;
 * null when it is none. */
export function parseDecimal(text: string): string | null {
  const value = text.trim().replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
  return /^-?\d{1,13}(\.\d{1,6})?$/.test(value) ? value : null;
}

export function shownLines(lines: LineItem[]): TypedLine[] {
  return lines.map((line) => ({
    description: line.description,
    quantity: formatDecimal(line.quantity),
    unit: line.unit,
    unit_price: formatAmount(line.unit_price),
    amount: formatAmount(line.amount),
    vat_rate: line.vat_rate,
  }));
}

/** The typed lines as the contract's values, or the violations ("line_items.2.amount") of
 * what cannot be read. */
export function lineValues(typed: TypedLine[], message: (column: Column) => string): { items: LineItemInput[]; violations: Record<string, string> } {
  const violations: Record<string, string> = {};
  const items = typed.map((line, i) => {
    const item: LineItemInput = { ...line, description: line.description.trim(), unit: line.unit.trim(), vat_rate: line.vat_rate.trim().replace(/\s*%$/, "") };
    for (const column of ["quantity", "unit_price"] as const) {
      const text = line[column].trim();
      const value = text ? parseDecimal(text) : "";
      if (value === null) violations[`line_items.${i}.${column}`] = message(column);
      else item[column] = value;
    }
    const amount = parseAmount(line.amount);
    if (amount === null) violations[`line_items.${i}.amount`] = message("amount");
    else item.amount = amount;
    if (!item.description) violations[`line_items.${i}.description`] = message("description");
    return item;
  });
  return { items, violations };
}

export function sameLines(items: LineItemInput[], lines: LineItem[]): boolean {
  return items.length === lines.length && items.every((item, i) => COLUMNS.every((c) => item[c] === lines[i][c]));
}

type Props = {
  lines: LineItem[];
  typed: TypedLine[];
  onChange: (typed: TypedLine[]) => void;
  /** The tax base as the contract's value (null when what is typed cannot be read). */
  taxBase: string | null;
  low: number;
  violations: Record<string, string>;
  disabled?: boolean;
};

export function LineItemsTable({ lines, typed, onChange, taxBase, low, violations, disabled }: Props) {
  const t = useT();
  const amounts = typed.map((line) => parseAmount(line.amount));
  const readable = amounts.every((a) => a !== null);
  const sum = readable ? sumAmounts(amounts) : null;
  const differs = sum !== null && taxBase !== null && sum !== sumAmounts([taxBase]);
  const header = (c: Column) => t(`review.line.${c}` as keyof Messages);

  return (
    <fieldset disabled={disabled}>
      <legend>{t("review.lines")}</legend>
      {typed.length === 0 ? (
        <p>{t("review.noLines")}</p>
      ) : (
        <div className="table-wrap">
          <table className="line-items" aria-label={t("review.lines")}>
            <thead>
              <tr>
                <th scope="col">№</th>
                {COLUMNS.map((c) => (
                  <th key={c} scope="col" className={NUMERIC.has(c) ? "num" : undefined}>
                    {header(c)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {typed.map((line, i) => {
                const confidence = lines[i]?.confidence ?? 1;
                const weak = confidence < low;
                return (
                  <tr key={i} className={weak ? "low-field" : undefined} data-low={weak ? "true" : undefined}>
                    <th scope="row">
                      {i + 1}
                      {weak && (
                        <span className="badge warn" title={t("review.low", { percent: Math.round(confidence * 100) })}>
                          <span aria-hidden="true">{Math.round(confidence * 100)} %</span>
                          <span className="sr-only">{t("review.low", { percent: Math.round(confidence * 100) })}</span>
                        </span>
                      )}
                    </th>
                    {COLUMNS.map((c) => {
                      const name = `line_items.${i}.${c}`;
                      const cell = {
                        name,
                        "aria-label": t("review.lineCell", { column: header(c), line: i + 1 }),
                        "aria-invalid": violations[name] ? true : undefined,
                        title: violations[name],
                        style: weak ? { borderColor: "var(--warn)", background: "#fffaf0" } : undefined,
                        value: line[c],
                      };
                      const change = (value: string) => onChange(typed.map((l, j) => (j === i ? { ...l, [c]: value } : l)));
                      return (
                        <td key={c} className={NUMERIC.has(c) ? "num" : undefined}>
                          {c === "description" ? (
                            // A description wraps onto as many rows as it needs instead of being cut.
                            <textarea {...cell} rows={1} onChange={(e) => change(e.target.value.replace(/\n/g, " "))} />
                          ) : (
                            <input {...cell} inputMode={NUMERIC.has(c) ? "decimal" : undefined} onChange={(e) => change(e.target.value)} />
                          )}
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={5}>
                  {t("review.linesSum")}
                </th>
                <td className="num" data-testid="lines-sum">
                  {sum === null ? "—" : formatAmount(sum)}
                </td>
                <td />
              </tr>
            </tfoot>
          </table>
        </div>
      )}
      {typed.length > 0 && differs && (
        <p className="warn" role="alert">
          {t("review.linesDiffer", { sum: formatAmount(sum), base: formatAmount(taxBase) })}
        </p>
      )}
      {typed.length > 0 && !differs && sum !== null && taxBase !== null && <p className="ok">{t("review.linesMatch", { base: formatAmount(taxBase) })}</p>}
    </fieldset>
  );
}
