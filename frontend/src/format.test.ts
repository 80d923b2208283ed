import { describe, expect, it } from "vitest";
import { currencyOn, formatAmount, formatDate, parseAmount, parseDate, sumAmounts } from "./format";

describe("amounts", () => {
  it("are shown the Bulgarian way", () => {
    expect(formatAmount("1234.56")).toBe("1 234,56");
    expect(formatAmount("1234567.5")).toBe("1 234 567,50");
    expect(formatAmount("-1000")).toBe("-1 000,00");
    expect(formatAmount("0.00")).toBe("0,00");
    expect(formatAmount("999")).toBe("999,00");
    expect(formatAmount("")).toBe("");
  });

  it("are read either way", () => {
    expect(parseAmount("1 234,56")).toBe("1234.56");
    expect(parseAmount("1234.56")).toBe("1234.56");
    expect(parseAmount("1,234.56")).toBe("1234.56");
    expect(parseAmount("1.234,56")).toBe("1234.56");
    expect(parseAmount("1\u00a0234,5")).toBe("1234.50");
    expect(parseAmount("12,3")).toBe("12.30");
    expect(parseAmount("1.234.567")).toBe("1234567");
    expect(parseAmount("100")).toBe("100");
    expect(parseAmount("-20,00")).toBe("-20.00");
    expect(parseAmount("0,10")).toBe("0.10");
  });

  it("refuse what is no amount", () => {
    expect(parseAmount("")).toBeNull();
    expect(parseAmount("abc")).toBeNull();
    expect(parseAmount("1,234,5")).toBeNull();
    expect(parseAmount("12.345")).toBeNull(); // three decimals, not a thousand
    expect(parseAmount("1.2.3,4,5")).toBeNull();
  });

  it("add up exactly", () => {
    expect(sumAmounts(["0.10", "0.20"])).toBe("0.30");
    expect(sumAmounts(["100.00", "-20.01", null])).toBe("79.99");
    expect(sumAmounts(["-0.50"])).toBe("-0.50");
  });
});

describe("dates", () => {
  it("are shown dd.mm.yyyy", () => {
    expect(formatDate("2025-03-10")).toBe("10.03.2025");
    expect(formatDate("")).toBe("");
  });

  it("are read dd.mm.yyyy or ISO", () => {
    expect(parseDate("10.03.2025")).toBe("2025-03-10");
    expect(parseDate("1.3.2025")).toBe("2025-03-01");
    expect(parseDate("2025-03-10")).toBe("2025-03-10");
    expect(parseDate("29.02.2024")).toBe("2024-02-29");
  });

  it("refuse days that do not exist", () => {
    expect(parseDate("29.02.2025")).toBeNull();
    expect(parseDate("32.01.2025")).toBeNull();
    expect(parseDate("10.13.2025")).toBeNull();
    expect(parseDate("yesterday")).toBeNull();
  });

  it("name the currency of the books", () => {
    expect(currencyOn("2025-12-31")).toBe("BGN");
    expect(currencyOn("2026-01-01")).toBe("EUR");
    expect(currencyOn("202511")).toBe("BGN");
    expect(currencyOn("202601")).toBe("EUR");
  });
});
