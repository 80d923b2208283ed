// НАП nomenclatures the entry form picks from: document types (the contract's allowed values,
// JournalEntryInput.document_type) and the VAT operation codes the vat service knows
// (services/vat/operations.py), with their Bulgarian and English names.

export interface Coded {
  code: string;
  bg: string;
  en: string;
}

export const DOCUMENT_TYPES: Coded[] = [
  { code: "01", bg: "Фактура", en: "Invoice" },
  { code: "02", bg: "Дебитно известие", en: "Debit note" },
  { code: "03", bg: "Кредитно известие", en: "Credit note" },
  { code: "07", bg: "Митническа декларация", en: "Customs declaration" },
  { code: "09", bg: "Протокол или друг документ", en: "Protocol or other document" },
  { code: "11", bg: "Фактура – касова отчетност", en: "Invoice, cash accounting" },
  { code: "12", bg: "Дебитно известие – касова отчетност", en: "Debit note, cash accounting" },
  { code: "13", bg: "Кредитно известие – касова отчетност", en: "Credit note, cash accounting" },
  { code: "23", bg: "Кредитно известие по чл. 126б, ал. 1 ЗДДС", en: "Credit note, art. 126b(1)" },
  { code: "29", bg: "Протокол по чл. 126б, ал. 2 и 7 ЗДДС", en: "Protocol, art. 126b(2) and (7)" },
  { code: "81", bg: "Отчет за извършените продажби", en: "Sales report" },
  { code: "82", bg: "Отчет за продажбите при специален ред на облагане", en: "Sales report, special regime" },
  { code: "83", bg: "Отчет за продажбите на хляб", en: "Bread sales report" },
  { code: "84", bg: "Отчет за продажбите на брашно", en: "Flour sales report" },
  { code: "91", bg: "Протокол за изискуемия данък по чл. 151в, ал. 3", en: "Protocol, tax due, art. 151c(3)" },
  { code: "92", bg: "Протокол за данъчния кредит по чл. 151г, ал. 8", en: "Protocol, tax credit, art. 151d(8)" },
  { code: "93", bg: "Протокол по чл. 151в, ал. 7 (получател извън режима)", en: "Protocol, art. 151c(7), recipient outside the regime" },
  { code: "94", bg: "Протокол по чл. 151в, ал. 7 (получател в режима)", en: "Protocol, art. 151c(7), recipient in the regime" },
  { code: "95", bg: "Протокол за безвъзмездно предоставени хранителни стоки", en: "Protocol, food donated free of charge" },
];

export const PURCHASE_OPERATIONS: Coded[] = [
  ...["1-09-1", "1-09-2"].map((code) => ({ code, bg: "Покупки без право на данъчен кредит", en: "Purchases without tax credit" })),
  ...["1-10-1", "1-10-2", "1-10-3", "1-10-4", "1-10-5", "1-10-6"].map((code) => ({ code, bg: "Покупки с право на пълен данъчен кредит", en: "Purchases with full tax credit" })),
  ...["1-12-1", "1-12-2", "1-12-3", "1-12-4"].map((code) => ({ code, bg: "Покупки с право на частичен данъчен кредит", en: "Purchases with partial tax credit" })),
  { code: "1-14", bg: "Годишна корекция по чл. 73, ал. 8 ЗДДС", en: "Annual adjustment, art. 73(8)" },
  { code: "1-15", bg: "Придобиване от посредник в тристранна операция", en: "Goods from a triangular intermediary" },
];

export const SALES_OPERATIONS: Coded[] = [
  ...["2-11", "2-11-1", "2-11-2"].map((code) => ({ code, bg: "Облагаеми доставки със ставка 20 %", en: "Taxable supplies at 20 %" })),
  { code: "2-13", bg: "Вътреобщностно придобиване (ВОП)", en: "Intra-community acquisition" },
  { code: "2-14", bg: "Получени доставки по чл. 82, ал. 2–5 ЗДДС", en: "Received supplies, art. 82(2)-(5)" },
  { code: "2-16", bg: "Начислен данък за лични нужди", en: "VAT on private use" },
  ...["2-17", "2-17-old"].map((code) => ({ code, bg: "Облагаеми доставки със ставка 9 %", en: "Taxable supplies at 9 %" })),
  ...["2-19-1", "2-19-2"].map((code) => ({ code, bg: "Доставки със ставка 0 % (глава трета)", en: "Supplies at 0 % (chapter 3)" })),
  { code: "2-20", bg: "Вътреобщностна доставка (ВОД)", en: "Intra-community supply" },
  ...["2-21-1", "2-21-2"].map((code) => ({ code, bg: "Доставки по чл. 140, 146 и 173 ЗДДС", en: "Supplies, art. 140, 146, 173" })),
  { code: "2-22", bg: "Услуги по чл. 21, ал. 2 ЗДДС в друга държава членка", en: "Services, art. 21(2)" },
  { code: "2-23", bg: "Доставки по чл. 69, ал. 2 ЗДДС", en: "Supplies, art. 69(2)" },
  ...["2-24-1", "2-24-2", "2-24-3"].map((code) => ({ code, bg: "Освободени доставки", en: "Exempt supplies" })),
  { code: "2-25", bg: "Посредник в тристранна операция", en: "Intermediary in a triangular operation" },
];

export function nameOf(list: Coded[], code: string, lang: "bg" | "en"): string {
  const found = list.find((item) => item.code === code);
  return found ? found[lang] : code;
}
