"""The standard Bulgarian chart of accounts (Национален сметкоплан, classes 1–7) and VAT
rates a new company starts with, and which of its accounts become the company's defaults.

Classes and groups (one- and two-digit codes) are headings: entries go to the synthetic
accounts below them (three digits) or their sub-accounts (4531 under 453)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class ChartAccount:
    code: str
    name: str
    account_type: str  # ASSET, LIABILITY, EQUITY, REVENUE, EXPENSE
    vat_applicable: str = "NONE"

    @property
    def parent_code(self) -> str | None:
        """ "4531" -> "453", "453" -> "45", "45" -> "4", "4" -> None."""
        return self.code[:-1] or None


A, L, E, R, X = "ASSET", "LIABILITY", "EQUITY", "REVENUE", "EXPENSE"

STANDARD_CHART: tuple[ChartAccount, ...] = (
    ChartAccount("1", "Сметки за капитал", E),
    ChartAccount("10", "Капитал", E),
    ChartAccount("101", "Основен капитал, изискващ регистрация", E),
    ChartAccount("102", "Основен капитал, неизискващ регистрация", E),
    ChartAccount("11", "Резерви", E),
    ChartAccount("111", "Законови резерви", E),
    ChartAccount("112", "Резерви от последващи оценки", E),
    ChartAccount("113", "Целеви резерви", E),
    ChartAccount("12", "Финансови резултати", E),
    ChartAccount("121", "Непокрита загуба от минали години", E),
    ChartAccount("122", "Неразпределена печалба от минали години", E),
    ChartAccount("123", "Печалби и загуби от текущата година", E),
    ChartAccount("15", "Получени заеми", L),
    ChartAccount("151", "Получени краткосрочни заеми", L),
    ChartAccount("152", "Получени дългосрочни заеми", L),
    ChartAccount("2", "Сметки за дълготрайни активи", A),
    ChartAccount("20", "Дълготрайни материални активи", A),
    ChartAccount("201", "Земи (терени)", A, "INPUT"),
    ChartAccount("203", "Сгради и конструкции", A, "INPUT"),
    ChartAccount("204", "Компютърна техника", A, "INPUT"),
    ChartAccount("206", "Машини и оборудване", A, "INPUT"),
    ChartAccount("207", "Транспортни средства", A, "INPUT"),
    ChartAccount("208", "Стопански инвентар", A, "INPUT"),
    ChartAccount("209", "Други дълготрайни материални активи", A, "INPUT"),
    ChartAccount("21", "Дълготрайни нематериални активи", A),
    ChartAccount("212", "Права върху индустриална собственост", A, "INPUT"),
    ChartAccount("214", "Програмни продукти", A, "INPUT"),
    ChartAccount("219", "Други дълготрайни нематериални активи", A, "INPUT"),
    ChartAccount("24", "Амортизация", A),
    ChartAccount("241", "Амортизация на дълготрайни материални активи", A),
    ChartAccount("242", "Амортизация на дълготрайни нематериални активи", A),
    ChartAccount("3", "Сметки за материални запаси", A),
    ChartAccount("30", "Материални запаси", A),
    ChartAccount("301", "Доставки", A, "INPUT"),
    ChartAccount("302", "Материали", A, "INPUT"),
    ChartAccount("303", "Продукция", A),
    ChartAccount("304", "Стоки", A, "INPUT"),
    ChartAccount("4", "Сметки за разчети", L),
    ChartAccount("40", "Разчети с доставчици", L),
    ChartAccount("401", "Доставчици", L),
    ChartAccount("402", "Доставчици по аванси", A),
    ChartAccount("41", "Разчети с клиенти", A),
    ChartAccount("411", "Клиенти", A),
    ChartAccount("412", "Клиенти по аванси", L),
    ChartAccount("42", "Разчети с персонала", L),
    ChartAccount("421", "Персонал", L),
    ChartAccount("422", "Подотчетни лица", A),
    ChartAccount("45", "Разчети с бюджета", L),
    ChartAccount("451", "Разчети за корпоративни данъци", L),
    ChartAccount("452", "Разчети за данъци върху доходите на физически лица", L),
    ChartAccount("453", "Разчети за данък върху добавената стойност", L),
    ChartAccount("4531", "Начислен ДДС за покупките", A, "INPUT"),
    ChartAccount("4532", "Начислен ДДС за продажбите", L, "OUTPUT"),
    ChartAccount("4538", "ДДС за внасяне / възстановяване", L, "BOTH"),
    ChartAccount("454", "Разчети за други данъци", L),
    ChartAccount("459", "Други разчети с бюджета", L),
    ChartAccount("46", "Разчети с осигурители", L),
    ChartAccount("461", "Разчети с Националния осигурителен институт", L),
    ChartAccount("462", "Разчети за здравно осигуряване", L),
    ChartAccount("463", "Разчети за допълнително пенсионно осигуряване", L),
    ChartAccount("49", "Разни дебитори и кредитори", L),
    ChartAccount("498", "Други дебитори", A),
    ChartAccount("499", "Други кредитори", L),
    ChartAccount("5", "Сметки за финансови средства", A),
    ChartAccount("50", "Парични средства", A),
    ChartAccount("501", "Каса в левове", A),
    ChartAccount("502", "Каса във валута", A),
    ChartAccount("503", "Разплащателна сметка в левове", A),
    ChartAccount("504", "Разплащателна сметка във валута", A),
    ChartAccount("6", "Сметки за разходи", X),
    ChartAccount("60", "Разходи по икономически елементи", X),
    ChartAccount("601", "Разходи за материали", X, "INPUT"),
    ChartAccount("602", "Разходи за външни услуги", X, "INPUT"),
    ChartAccount("603", "Разходи за амортизация", X),
    ChartAccount("604", "Разходи за заплати (възнаграждения)", X),
    ChartAccount("605", "Разходи за осигуровки", X),
    ChartAccount("606", "Разходи за данъци, такси и други подобни плащания", X),
    ChartAccount("609", "Други разходи", X, "INPUT"),
    ChartAccount("61", "Разходи за дейността", X),
    ChartAccount("611", "Разходи за основна дейност", X),
    ChartAccount("612", "Разходи за спомагателна дейност", X),
    ChartAccount("614", "Административни разходи", X),
    ChartAccount("62", "Финансови разходи", X),
    ChartAccount("621", "Разходи за лихви", X),
    ChartAccount("624", "Отрицателни разлики от промяна на валутни курсове", X),
    ChartAccount("629", "Други финансови разходи", X),
    ChartAccount("7", "Сметки за приходи", R),
    ChartAccount("70", "Приходи от продажби", R),
    ChartAccount("701", "Приходи от продажби на продукция", R, "OUTPUT"),
    ChartAccount("702", "Приходи от продажби на стоки", R, "OUTPUT"),
    ChartAccount("703", "Приходи от продажби на услуги", R, "OUTPUT"),
    ChartAccount("704", "Приходи от продажби на материали", R, "OUTPUT"),
    ChartAccount("709", "Други приходи", R, "OUTPUT"),
    ChartAccount("72", "Финансови приходи", R),
    ChartAccount("721", "Приходи от лихви", R),
    ChartAccount("724", "Положителни разлики от промяна на валутни курсове", R),
    ChartAccount("729", "Други финансови приходи", R),
)

# Company field -> account code.
DEFAULT_ACCOUNTS = {
    "cash_account_id": "501",
    "bank_account_id": "503",
    "customers_account_id": "411",
    "suppliers_account_id": "401",
    "vat_payable_account_id": "4532",
    "vat_receivable_account_id": "4531",
    "expenses_account_id": "601",
    "revenues_account_id": "703",
}


@dataclass(frozen=True)
class StandardVatRate:
    name: str
    percentage: Decimal
    description: str
    vat_code: str  # UNCL 5305 category, as SAF-T and e-invoices use: S, AA, Z, E
    effective_from: date


STANDARD_VAT_RATES: tuple[StandardVatRate, ...] = (
    StandardVatRate("20%", Decimal("20"), "Стандартна ставка", "S", date(2007, 1, 1)),
    StandardVatRate("9%", Decimal("9"), "Намалена ставка (настаняване в места за настаняване)", "AA", date(2011, 4, 1)),
    StandardVatRate("0%", Decimal("0"), "Нулева ставка (ВОД, износ)", "Z", date(2007, 1, 1)),
    StandardVatRate("Освободена", Decimal("0"), "Освободена доставка (чл. 38–50 ЗДДС)", "E", date(2007, 1, 1)),
)
