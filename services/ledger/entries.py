"""Journal entries: the books.

Rules: every amount has at most two decimals; every line is a debit or a credit, never both;
an entry balances (sum of debits = sum of credits > 0) or it is not stored; its accounts
and counterparts belong to the company, and its accounts are leaves of the chart (entries go
to 4531, not to the group 453); a VAT-relevant entry (one with a purchase or sales operation
code) names its document and its VAT date. Entry numbers are sequential per company, without
gaps or duplicates under concurrent creates. A posted entry cannot change until unposted.
"""

import asyncio
import contextvars
import dataclasses
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

import asyncpg
from sqlalchemy import CTE, Integer, Select, Subquery, Uuid, any_, bindparam, delete, func, insert, literal_column, select, true, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.kernel import db, idempotency, metrics, paging
from services.kernel.auth import current_caller
from services.kernel.db import driver_connection
from services.kernel.errors import FailedPrecondition, NotFound
from services.ledger.store import IDEMPOTENCY_KEYS, Account, Counterpart, EntryCounter, EntryLine, JournalEntry
from services.ledger.values import ZERO, Violations, money

ENTRIES = JournalEntry.__table__
LINES = EntryLine.__table__
ACCOUNTS = Account.__table__
COUNTERPARTS = Counterpart.__table__
COUNTERS = EntryCounter.__table__
EURO_FROM = date(2026, 1, 1)  # Bulgaria keeps its books in euro from this day
_EVENTS = metrics.counter("baraba_ledger_journal_entries_total", "Journal entries created and posted", "event", ("created", "posted"))
CREATED, POSTED = _EVENTS.labels("created"), _EVENTS.labels("posted")

ENTRY_FIELDS = (
    "document_type",
    "document_number",
    "document_date",
    "accounting_date",
    "vat_date",
    "description",
    "counterpart_id",
    "currency",
    "purchase_operation",
    "sales_operation",
    "tax_base",
    "vat_amount",
    "vat_rate",
)
LINE_FIELDS = (
    "account_id",
    "debit",
    "credit",
    "description",
    "counterpart_id",
    "quantity",
    "currency_code",
    "currency_amount",
    "exchange_rate",
)


@dataclass(frozen=True)
class Entry:
    """An entry as the API shows it: its header's fields and its lines' (_HEADER_FIELDS, _LINE_FIELDS)."""

    header: dict
    lines: list[dict]


@dataclass
class Draft:
    """A parsed, balanced entry: column values of the header and of each line."""

    header: dict
    lines: list[dict]


def _uuid(text: str) -> uuid.UUID | None:
    return uuid.UUID(text) if text else None


def parse_entry(raw: Mapping, path: str = "journal_entry") -> Draft:
    """Checks an entry as a client sent it (strings, lines as mappings) and returns its column
    values. Raises INVALID_ARGUMENT naming every broken field, and the imbalance if any."""
    v = Violations()
    document_date = v.date(raw["document_date"], f"{path}.document_date")
    accounting_date = v.date(raw["accounting_date"], f"{path}.accounting_date", required=False) or document_date
    vat_date = v.date(raw["vat_date"], f"{path}.vat_date", required=False)
    if document_date and accounting_date and accounting_date < document_date:
        v.add(f"{path}.accounting_date", "must not be before the document date")
    purchase, sales = raw["purchase_operation"].strip(), raw["sales_operation"].strip()
    if purchase or sales:
        for name in ("document_type", "document_number", "vat_date"):
            if not raw[name]:
                v.add(f"{path}.{name}", "is required for an entry with a VAT operation code")
    currency = raw["currency"] or ("EUR" if accounting_date and accounting_date >= EURO_FROM else "BGN")
    header = {
        "document_type": raw["document_type"],
        "document_number": raw["document_number"].strip(),
        "document_date": document_date,
        "accounting_date": accounting_date,
        "vat_date": vat_date,
        "description": raw["description"],
        "counterpart_id": _uuid(raw["counterpart_id"]),
        "currency": currency,
        "purchase_operation": purchase,
        "sales_operation": sales,
        "tax_base": v.amount(raw["tax_base"], f"{path}.tax_base", signed=True),
        "vat_amount": v.amount(raw["vat_amount"], f"{path}.vat_amount", signed=True),
        "vat_rate": v.percentage(raw["vat_rate"], f"{path}.vat_rate"),
    }
    lines = []
    for i, line in enumerate(raw["lines"]):
        at = f"{path}.lines[{i}]"
        debit = v.amount(line["debit"], f"{at}.debit")
        credit = v.amount(line["credit"], f"{at}.credit")
        if debit > 0 and credit > 0:
            v.add(at, "a line is either a debit or a credit, not both")
        elif debit == 0 and credit == 0 and not any(p.field.startswith(at + ".") for p in v.items):
            v.add(at, "needs a debit or a credit amount greater than 0")
        currency_amount = v.amount(line["currency_amount"], f"{at}.currency_amount") if line["currency_amount"] else None
        exchange_rate = (
            v.amount(line["exchange_rate"], f"{at}.exchange_rate", places=6, limit=Decimal(10**9)) if line["exchange_rate"] else None
        )
        if currency_amount is not None and not line["currency_code"]:
            v.add(f"{at}.currency_code", "is required with a currency amount")
        if exchange_rate is not None and exchange_rate <= 0:
            v.add(f"{at}.exchange_rate", "must be greater than 0")
        lines.append(
            {
                "line_number": i + 1,
                "account_id": uuid.UUID(line["account_id"]),
                "debit": debit,
                "credit": credit,
                "description": line["description"],
                "counterpart_id": _uuid(line["counterpart_id"]),
                "quantity": v.amount(line["quantity"], f"{at}.quantity", signed=True, places=3) if line["quantity"] else None,
                "currency_code": line["currency_code"],
                "currency_amount": currency_amount,
                "exchange_rate": exchange_rate,
            }
        )
    v.raise_if_any()  # amounts first: a balance of unreadable amounts would only confuse
    debits = sum((line["debit"] for line in lines), ZERO)
    credits = sum((line["credit"] for line in lines), ZERO)
    if debits != credits:
        v.add(
            f"{path}.lines",
            f"the entry does not balance: debits {money(debits)} ≠ credits {money(credits)}, difference {money(abs(debits - credits))}",
        )
    elif debits >= Decimal("1e13"):
        v.add(f"{path}.lines", "the total is too large")
    v.raise_if_any()
    header["total_debit"], header["total_credit"] = debits, credits
    return Draft(header, lines)


def _check_references(draft: Draft, accounts: Mapping[uuid.UUID, Mapping], counterparts: set[uuid.UUID], path: str) -> None:
    """Raises INVALID_ARGUMENT for every account that is not an active leaf of the company's
    chart and every counterpart that is not the company's (`accounts`, `counterparts`: what
    the company has of those the entry names)."""
    v = Violations()
    if draft.header["counterpart_id"] and draft.header["counterpart_id"] not in counterparts:
        v.add(f"{path}.counterpart_id", "is not a counterpart of this company")
    for i, line in enumerate(draft.lines):
        account = accounts.get(line["account_id"])
        if account is None:
            v.add(f"{path}.lines[{i}].account_id", "is not an account of this company")
        elif not account["is_active"]:
            v.add(f"{path}.lines[{i}].account_id", f"account {account['code']} is inactive")
        elif account["has_children"]:
            v.add(f"{path}.lines[{i}].account_id", f"account {account['code']} has sub-accounts: post to one of them")
        if line["counterpart_id"] and line["counterpart_id"] not in counterparts:
            v.add(f"{path}.lines[{i}].counterpart_id", "is not a counterpart of this company")
    v.raise_if_any()


def _counterpart_ids(draft: Draft) -> set[uuid.UUID]:
    return {draft.header["counterpart_id"], *(line["counterpart_id"] for line in draft.lines)} - {None}


_CHILD = ACCOUNTS.alias("child")
_ACCOUNTS_OF = select(
    ACCOUNTS.c.id,
    ACCOUNTS.c.code,
    ACCOUNTS.c.name,
    ACCOUNTS.c.is_active,
    select(_CHILD.c.id).where(_CHILD.c.parent_id == ACCOUNTS.c.id).limit(1).exists().label("has_children"),
).where(ACCOUNTS.c.company_id == bindparam("cid"), ACCOUNTS.c.id.in_(bindparam("ids", expanding=True)))
_COUNTERPARTS_OF = select(COUNTERPARTS.c.id).where(
    COUNTERPARTS.c.company_id == bindparam("cid"), COUNTERPARTS.c.id.in_(bindparam("ids", expanding=True))
)


async def _check_references_of(conn: AsyncConnection, cid: uuid.UUID, draft: Draft, path: str = "journal_entry") -> None:
    """Checks that the draft's accounts and counterparts belong to the company (one query each)."""
    account_ids = list({line["account_id"] for line in draft.lines})
    accounts: dict[uuid.UUID, Mapping] = {
        row.id: row._mapping for row in await conn.execute(_ACCOUNTS_OF, {"cid": cid, "ids": account_ids})
    }
    counterpart_ids = list(_counterpart_ids(draft))
    known_counterparts = set(await conn.scalars(_COUNTERPARTS_OF, {"cid": cid, "ids": counterpart_ids})) if counterpart_ids else set()
    _check_references(draft, accounts, known_counterparts, path)


def _line_rows(entry_id: uuid.UUID, cid: uuid.UUID, draft: Draft) -> list[dict]:
    return [{"id": uuid.uuid4(), "entry_id": entry_id, "company_id": cid, **line} for line in draft.lines]


# What an entry answers with, rendered by PostgreSQL: a column per field of the contract's
# JournalEntry and EntryLine, by the field's name, ids, dates (ISO: kernel/db.py) and amounts
# as text, times as microseconds since 1970 ({t}: the table or alias read). Decoding UUIDs,
# Decimals and dates and formatting them again in Python was most of the ledger's CPU for a
# page of 50 entries; PostgreSQL's text costs it a fraction of that. Amounts keep their
# column's scale ("1200.00"), a rate loses its trailing zeros ("20", "9.5"), a missing
# optional value is "". date_part's double holds a time of this era to well under a
# microsecond, so rounding gives the stored microseconds (extract's numeric: 3 times the cost).
_MICROS = "round(date_part('epoch', {t}.{name}) * 1000000)::bigint"
ENTRY_TIMES = ("posted_at", "created_at", "updated_at")
_HEADER_FIELDS = {
    "id": "{t}.id::text",  # NULL: no entry (an empty page, a refused create)
    "company_id": "{t}.company_id::text",
    "entry_number": "{t}.number::text",
    "document_type": "{t}.document_type",
    "document_number": "{t}.document_number",
    "document_date": "{t}.document_date::text",
    "accounting_date": "{t}.accounting_date::text",
    "vat_date": "coalesce({t}.vat_date::text, '')",
    "description": "{t}.description",
    "counterpart_id": "coalesce({t}.counterpart_id::text, '')",
    "currency": "{t}.currency",
    "purchase_operation": "{t}.purchase_operation",
    "sales_operation": "{t}.sales_operation",
    "tax_base": "{t}.tax_base::text",
    "vat_amount": "{t}.vat_amount::text",
    "vat_rate": "trim_scale({t}.vat_rate)::text",
    "total_debit": "{t}.total_debit::text",
    "total_credit": "{t}.total_credit::text",
    "is_posted": "{t}.is_posted",
    "posted_by": "coalesce({t}.posted_by::text, '')",
    "created_by": "{t}.created_by::text",
    **{name: _MICROS.replace("{name}", name) for name in ENTRY_TIMES},
}
_LINE_FIELDS = {  # over entry_lines with its account's code and name as account_code, account_name
    "id": "{t}.id::text",  # NULL: an entry without lines (a page's BASIC view, or none at all)
    "line_number": "{t}.line_number",
    "account_id": "{t}.account_id::text",
    "account_code": "{t}.account_code",
    "account_name": "{t}.account_name",
    "debit": "{t}.debit::text",
    "credit": "{t}.credit::text",
    "description": "{t}.description",
    "counterpart_id": "coalesce({t}.counterpart_id::text, '')",
    "quantity": "coalesce({t}.quantity::text, '')",
    "currency_code": "{t}.currency_code",
    "currency_amount": "coalesce({t}.currency_amount::text, '')",
    "exchange_rate": "coalesce({t}.exchange_rate::text, '')",
}
_HEADER_NAMES, _LINE_NAMES = tuple(_HEADER_FIELDS), tuple(_LINE_FIELDS)


def _rendered(fields: Mapping[str, str], table: str) -> str:
    return ", ".join(f"{sql.format(t=table)} AS {name}" for name, sql in fields.items())


def _rendered_columns(fields: Mapping[str, str], table: str) -> list:
    return [literal_column(sql.format(t=table)).label(name) for name, sql in fields.items()]


_LINES_WITH_ACCOUNTS = (
    select(LINES, ACCOUNTS.c.code.label("account_code"), ACCOUNTS.c.name.label("account_name"))
    .join(ACCOUNTS, ACCOUNTS.c.id == LINES.c.account_id)
    .order_by(LINES.c.entry_id, LINES.c.line_number)
)


def _with_lines(page: CTE, total: Subquery | None = None) -> Select:
    """The entries of `page` (a CTE named "page"), rendered, newest number first, each row
    joined with one of its lines (and led by the `total` count, if given): one statement, so
    one round trip and one snapshot (no transaction around it). Each entry's lines are looked
    up by its id (LATERAL, kept apart by OFFSET 0), so the plan made once for any ids (the
    ledger's engine keeps generic plans) reads them by index, whatever the table's statistics
    say; joined instead, PostgreSQL hashed every line when the tables were small."""
    lines = _LINES_WITH_ACCOUNTS.order_by(None).where(LINES.c.entry_id == page.c.id).offset(literal_column("0")).lateral("l")
    leading = [] if total is None else [total.c.total_size]
    base = page if total is None else total.outerjoin(page, true())
    return (
        select(*leading, *_rendered_columns(_HEADER_FIELDS, "page"), *_rendered_columns(_LINE_FIELDS, "l"))
        .select_from(base.outerjoin(lines, true()))
        .order_by(page.c.number.desc(), lines.c.line_number)
    )


def _entries(rows: Sequence[Sequence], start: int = 0, *, with_lines: bool = True) -> list[Entry]:
    """Rendered rows, header fields from `start`, each followed by a line's fields if
    `with_lines` (a _with_lines statement), into entries."""
    found: dict[str, Entry] = {}
    split = start + len(_HEADER_NAMES)
    end = split + len(_LINE_NAMES)
    for row in rows:
        entry_id = row[start]
        if entry_id is None:  # an empty page's one row, or a create that inserted nothing
            continue
        entry = found.get(entry_id)
        if entry is None:
            entry = found[entry_id] = Entry(dict(zip(_HEADER_NAMES, row[start:split], strict=True)), [])
        if with_lines and row[split] is not None:
            entry.lines.append(dict(zip(_LINE_NAMES, row[split:end], strict=True)))
    return list(found.values())


_ONE_ENTRY = db.Statement(
    _with_lines(select(ENTRIES).where(ENTRIES.c.company_id == bindparam("cid"), ENTRIES.c.id == bindparam("eid")).cte("page"))
)
# Entries asked for together (JournalEntries.get): found by id alone, which PostgreSQL reads by
# primary key (with the companies beside, it chose the company index and scanned every entry of
# each). Isolation holds in the lookup's key: a row goes only to a request that asked for its
# company and id, so an entry of another company is never answered.
_BY_IDS = db.Statement(_with_lines(select(ENTRIES).where(ENTRIES.c.id == any_(bindparam("ids", type_=ARRAY(Uuid)))).cte("page")))
_ID, _COMPANY_ID = _HEADER_NAMES.index("id"), _HEADER_NAMES.index("company_id")


def _ids_of(keys: list[tuple[str, str]]) -> dict:
    return {"ids": [uuid.UUID(entry_id) for _, entry_id in keys]}


def _company_and_id(row: Sequence) -> tuple[str, str]:
    return row[_COMPANY_ID], row[_ID]


# A list's filters, each compared with the bound parameter of its name.
_FILTERS = {
    "date_from": lambda c: c.accounting_date >= bindparam("date_from"),
    "date_to": lambda c: c.accounting_date <= bindparam("date_to"),
    "posted": lambda c: c.is_posted == bindparam("posted"),
    "counterpart_id": lambda c: c.counterpart_id == bindparam("counterpart_id"),
    "document_type": lambda c: c.document_type == bindparam("document_type"),
    "after": lambda c: c.number < bindparam("after"),
}


@cache
def _list_query(filters: tuple[str, ...], with_lines: bool) -> db.Statement:
    """A list's page and the count of all its entries, built once per combination of filters
    and view: one statement, so the total and the page are of one snapshot and cost one round
    trip. The count is the first column of every row; an empty page is one row of the count."""
    c = ENTRIES.c
    where = [c.company_id == bindparam("cid"), *(_FILTERS[name](c) for name in filters if name != "after")]
    if len(where) == 1:  # unfiltered: the company's count of entries, kept with its numbers
        kept = select(COUNTERS.c.entries).where(COUNTERS.c.company_id == bindparam("cid")).scalar_subquery()
        total = select(func.coalesce(kept, 0).label("total_size")).subquery("total")
    else:
        total = select(func.count().label("total_size")).select_from(ENTRIES).where(*where).subquery("total")
    page = select(ENTRIES).where(*where, *(_FILTERS["after"](c) for name in filters if name == "after"))
    page_cte = page.order_by(c.number.desc()).limit(bindparam("limit", type_=Integer)).cte("page")
    if with_lines:
        return db.Statement(_with_lines(page_cte, total))
    headers = select(total.c.total_size, *_rendered_columns(_HEADER_FIELDS, "page")).select_from(total.outerjoin(page_cte, true()))
    return db.Statement(headers.order_by(page_cte.c.number.desc()))


# Creates that arrive while statements of creates run go to the database together in the
# next (_CREATE_ENTRIES), whatever their companies: PostgreSQL then starts one plan, takes each
# company's number row once and flushes one commit for all of them. A process runs up to
# SENDERS such statements at once, never two for one company, so no create of this process
# queues on a number row inside PostgreSQL (PostgreSQL runs much of the statement again after
# such a wait). A create that arrives while fewer run goes at once. Two, not one: with one,
# the ledger sat idle whenever PostgreSQL was slow to answer, and on a machine busy with other
# work it managed fewer creates than before they went together (README).
CREATES_TOGETHER = 50
SENDERS = 2
_BATCH_SIZES = metrics.histogram(
    "baraba_ledger_create_batch_size", "Journal entry creates sent to the database in one statement", (1, 2, 5, 10, 20, 50)
)


@dataclass(eq=False)  # each is itself: compared and hashed by identity
class PendingCreate:
    """A create waiting for the next statement; `answer` gets the entry or the error."""

    company_id: uuid.UUID
    draft: Draft
    user_id: uuid.UUID
    key: idempotency.Key | None
    answer: asyncio.Future
    entry_id: uuid.UUID = dataclasses.field(default_factory=uuid.uuid4)


def _references(accounts: str, counterparts: str) -> str:
    """The CTEs acc and cps: the accounts and counterparts asked for (`accounts`,
    `counterparts`: FROM items of (company_id, id) pairs) that their companies have. Each is
    looked up by its id (LATERAL, kept apart by OFFSET 0), so the one plan the ledger keeps
    for any ids reads the primary key, never all of a company's accounts or counterparts."""
    return f"""acc AS (
    SELECT a.id, a.company_id, a.code, a.name, a.is_active, a.has_children
    FROM {accounts}, LATERAL (
        SELECT x.*, EXISTS (SELECT FROM accounts c WHERE c.parent_id = x.id) AS has_children
        FROM accounts x WHERE x.id = asked.id OFFSET 0
    ) a
    WHERE a.company_id = asked.company_id
), cps AS (
    SELECT c.id FROM {counterparts}, LATERAL (SELECT * FROM counterparts x WHERE x.id = asked.id OFFSET 0) c
    WHERE c.company_id = asked.company_id
)"""


# One statement, one round trip: look up the accounts and counterparts the entry names, and
# only if all are usable claim the request_id (if any; the kernel's idempotency key), take the
# next number and insert the entry and its lines. The number row's lock is taken and released
# (at commit) without a round trip to Python in between. The row also carries what was found,
# so a refused entry is explained by the same checks as an update (_check_references); its
# entry columns are then NULL, and `taken` says whether the request_id was already claimed.
_CREATE_ENTRY = """
WITH {references}, usable AS (
    SELECT (SELECT count(*) FROM acc WHERE is_active AND NOT has_children) = cardinality($2::uuid[])
       AND (SELECT count(*) FROM cps) = cardinality($3::uuid[])
       AND EXISTS (SELECT FROM entry_counters WHERE company_id = $1) AS ok
), {claim}, next AS (
    UPDATE entry_counters SET last_number = last_number + 1, entries = entries + 1
    WHERE company_id = $1 AND (SELECT ok FROM usable) AND ({request_id}::text IS NULL OR EXISTS (SELECT FROM claimed))
    RETURNING last_number
), entry AS (
    INSERT INTO journal_entries (id, company_id, number, created_by, is_posted, {header})
    SELECT $4, $1, next.last_number, $5, false, {header_params} FROM next
    RETURNING *
), lines AS (
    INSERT INTO entry_lines (entry_id, company_id, {line})
    SELECT entry.id, $1, {line_columns} FROM entry, unnest({line_params}) AS l({line})
    RETURNING *
)
SELECT {entry_fields}, {line_fields}, found.*,
       {request_id}::text IS NOT NULL AND (SELECT ok FROM usable) AND NOT EXISTS (SELECT FROM claimed) AS taken
FROM (
    SELECT array_agg(id) AS found_account_ids, array_agg(code) AS found_codes, array_agg(name) AS found_names,
           array_agg(is_active) AS found_active, array_agg(has_children) AS found_has_children,
           (SELECT array_agg(id) FROM cps) AS found_counterpart_ids
    FROM acc
) found LEFT JOIN entry ON true
LEFT JOIN (
    SELECT lines.*, acc.code AS account_code, acc.name AS account_name FROM lines JOIN acc ON acc.id = lines.account_id
) l ON true
ORDER BY l.line_number
"""
_HEADER = (*ENTRY_FIELDS, "total_debit", "total_credit")
_LINE = {
    "id": "uuid",
    "line_number": "int",
    "account_id": "uuid",
    "debit": "numeric",
    "credit": "numeric",
    "description": "text",
    "counterpart_id": "uuid",
    "quantity": "numeric",
    "currency_code": "text",
    "currency_amount": "numeric",
    "exchange_rate": "numeric",
}
_KEY = 6 + len(_HEADER) + len(_LINE)  # the idempotency key's scope, method and request_id: $_KEY..$_KEY+2
CREATE_ENTRY_SQL = _CREATE_ENTRY.format(
    # the company ($1) with each account ($2) and counterpart ($3) it names
    references=_references(
        "(SELECT $1::uuid, unnest($2::uuid[])) AS asked(company_id, id)", "(SELECT $1::uuid, unnest($3::uuid[])) AS asked(company_id, id)"
    ),
    claim=idempotency.claim_cte(f"${_KEY}", f"${_KEY + 1}", f"${_KEY + 2}", "$4", when="(SELECT ok FROM usable)"),
    request_id=f"${_KEY + 2}",
    header=", ".join(_HEADER),
    header_params=", ".join(f"${i}" for i in range(6, 6 + len(_HEADER))),
    line=", ".join(_LINE),
    line_columns=", ".join(f"l.{name}" for name in _LINE),
    line_params=", ".join(f"${6 + len(_HEADER) + i}::{kind}[]" for i, kind in enumerate(_LINE.values())),
    entry_fields=_rendered(_HEADER_FIELDS, "entry"),
    line_fields=_rendered(_LINE_FIELDS, "l"),
)
_FOUND = ("found_account_ids", "found_codes", "found_names", "found_active", "found_has_children", "found_counterpart_ids")

# Creates of any companies in one statement: what _CREATE_ENTRY does for one, for each (each
# company's new numbers in the order given), but all or nothing: any account or counterpart
# its company cannot use, a missing number row or a request_id claimed before makes it insert
# nothing and answer no row, and then each create goes again alone, to get its own answer. A
# request_id claimed by a concurrent transaction meanwhile fails the claim's insert (no ON
# CONFLICT here) and with it the whole statement, with the same outcome. Locks are taken in the
# order of _CREATE_ENTRY's, so no two creates wait on each other in a circle: the request_ids
# first, then the number rows, each kind sorted (as between two such statements).
_CREATE_ENTRIES = """
WITH {references}, keys AS (
    SELECT k.* FROM unnest({scopes}::text[], {methods}::text[], {request_ids}::text[], $7::uuid[])
        AS k(scope, method, request_id, resource_id)
    WHERE k.request_id IS NOT NULL
), usable AS (
    SELECT (SELECT count(*) FROM acc WHERE is_active AND NOT has_children) = cardinality($2::uuid[])
       AND (SELECT count(*) FROM cps) = cardinality($4::uuid[])
       AND NOT EXISTS (
           SELECT FROM keys, LATERAL (
               SELECT FROM idempotency_keys i
               WHERE i.scope = keys.scope AND i.method = keys.method AND i.request_id = keys.request_id OFFSET 0
           ) taken
       ) AS ok
), claimed AS (
    INSERT INTO idempotency_keys (scope, method, request_id, resource_id)
    SELECT * FROM keys WHERE (SELECT ok FROM usable) ORDER BY scope, request_id
    RETURNING request_id
), counters AS (
    SELECT company_id FROM entry_counters
    WHERE company_id = ANY($5::uuid[]) AND (SELECT ok FROM usable) AND (SELECT count(*) FROM claimed) = (SELECT count(*) FROM keys)
    ORDER BY company_id FOR UPDATE
), next AS (
    UPDATE entry_counters c SET last_number = c.last_number + n.count, entries = c.entries + n.count
    FROM (SELECT company_id, count(*) FROM unnest($6::uuid[]) AS e(company_id) GROUP BY company_id) n
    WHERE c.company_id = n.company_id AND (SELECT count(*) FROM counters) = cardinality($5::uuid[])
    RETURNING c.company_id, c.last_number - n.count AS last_before
), entry AS (
    INSERT INTO journal_entries (id, company_id, number, created_by, is_posted, {header})
    SELECT e.id, e.company_id, next.last_before + row_number() OVER (PARTITION BY e.company_id ORDER BY e.k),
           e.created_by, false, {header_columns}
    FROM unnest($6::uuid[], $7::uuid[], $8::uuid[], {header_params}) WITH ORDINALITY AS e(company_id, id, created_by, {header}, k)
    JOIN next USING (company_id)
    RETURNING *
), lines AS (
    INSERT INTO entry_lines (entry_id, company_id, {line})
    SELECT l.entry_id, l.company_id, {line_columns}
    FROM unnest({line_entries}::uuid[], {line_companies}::uuid[], {line_params}) AS l(entry_id, company_id, {line})
    WHERE EXISTS (SELECT FROM next)
    RETURNING *
)
SELECT {entry_fields}, {line_fields}
FROM entry LEFT JOIN (
    SELECT lines.*, acc.code AS account_code, acc.name AS account_name
    FROM lines JOIN acc ON acc.id = lines.account_id AND acc.company_id = lines.company_id
) l ON l.entry_id = entry.id
ORDER BY entry.company_id, entry.number, l.line_number
"""
# Arrays of the columns' types without their lengths: a value too long for its column is then
# refused by the insert, not cut short by the cast.
_HEADER_TYPES = [ENTRIES.c[name].type.compile(dialect=postgresql.dialect()).partition("(")[0] + "[]" for name in _HEADER]
_HEADER_AT = 9  # $1-$8: the accounts and counterparts asked for (company, id), the companies, and per entry its company, id, author
_LINES_AT = _HEADER_AT + len(_HEADER)  # each line's entry id and company, then the line columns' arrays
_KEYS_AT = _LINES_AT + 2 + len(_LINE)  # the request_ids' scopes, methods and ids
CREATE_ENTRIES_SQL = _CREATE_ENTRIES.format(
    references=_references(
        "unnest($1::uuid[], $2::uuid[]) AS asked(company_id, id)", "unnest($3::uuid[], $4::uuid[]) AS asked(company_id, id)"
    ),
    scopes=f"${_KEYS_AT}",
    methods=f"${_KEYS_AT + 1}",
    request_ids=f"${_KEYS_AT + 2}",
    header=", ".join(_HEADER),
    header_columns=", ".join(f"e.{name}" for name in _HEADER),
    header_params=", ".join(f"${_HEADER_AT + i}::{kind}" for i, kind in enumerate(_HEADER_TYPES)),
    line_entries=f"${_LINES_AT}",
    line_companies=f"${_LINES_AT + 1}",
    line=", ".join(_LINE),
    line_columns=", ".join(f"l.{name}" for name in _LINE),
    line_params=", ".join(f"${_LINES_AT + 2 + i}::{kind}[]" for i, kind in enumerate(_LINE.values())),
    entry_fields=_rendered(_HEADER_FIELDS, "entry"),
    line_fields=_rendered(_LINE_FIELDS, "l"),
)


async def _create(
    conn: AsyncConnection, cid: uuid.UUID, user_id: uuid.UUID, draft: Draft, key: idempotency.Key | None, path: str = "journal_entry"
) -> Entry | None:
    """The new entry; None when `key` was claimed before (by an earlier request with it)."""
    entry_id = uuid.uuid4()
    lines = [{"id": uuid.uuid4(), **line} for line in draft.lines]
    driver = await driver_connection(conn)  # asyncpg: arrays as parameters
    rows = await driver.fetch(
        CREATE_ENTRY_SQL,
        cid,
        list({line["account_id"] for line in lines}),
        list(_counterpart_ids(draft)),
        entry_id,
        user_id,
        *(draft.header[name] for name in _HEADER),
        *([line[name] for line in lines] for name in _LINE),
        *((key.scope, key.method, key.request_id) if key else (None, None, None)),
    )
    first = rows[0]
    if first["taken"]:
        return None
    created = _entries(rows)
    if not created:
        ids, codes, names, active, has_children, counterparts = (first[name] or () for name in _FOUND)
        accounts = {
            id_: {"code": code, "name": name, "is_active": is_active, "has_children": children}
            for id_, code, name, is_active, children in zip(ids, codes, names, active, has_children, strict=True)
        }
        _check_references(draft, accounts, set(counterparts), path)
        raise NotFound(f"company {cid} not found")  # every reference is fine: only the number row is missing
    return created[0]


async def _create_together(driver: asyncpg.Connection, creates: Sequence[PendingCreate]) -> dict[uuid.UUID, Entry] | None:
    """The new entries by id, each company's numbered in the order of `creates`; None when they must go one by one."""
    lines = [(create, {"id": uuid.uuid4(), **line}) for create in creates for line in create.draft.lines]
    accounts = list({(create.company_id, line["account_id"]) for create, line in lines})
    counterparts = list({(create.company_id, counterpart) for create in creates for counterpart in _counterpart_ids(create.draft)})
    keys = [create.key for create in creates]
    try:
        rows = await driver.fetch(
            CREATE_ENTRIES_SQL,
            [company for company, _ in accounts],
            [account for _, account in accounts],
            [company for company, _ in counterparts],
            [counterpart for _, counterpart in counterparts],
            sorted({create.company_id for create in creates}),
            [create.company_id for create in creates],
            [create.entry_id for create in creates],
            [create.user_id for create in creates],
            *([create.draft.header[name] for create in creates] for name in _HEADER),
            [create.entry_id for create, _ in lines],
            [create.company_id for create, _ in lines],
            *([line[name] for _, line in lines] for name in _LINE),
            [key and key.scope for key in keys],
            [key and key.method for key in keys],
            [key and key.request_id for key in keys],
        )
    except (asyncpg.IntegrityConstraintViolationError, asyncpg.DataError, asyncpg.TransactionRollbackError):
        return None  # a request_id claimed meanwhile, one create's values refused, a deadlock: one by one
    if not rows:
        return None  # nothing stored: some create cannot be (see _CREATE_ENTRIES)
    created = {uuid.UUID(entry.header["id"]): entry for entry in _entries(rows)}
    assert len(created) == len(creates), "the statement stores all of them or none"
    return created


def _answer(answer: asyncio.Future, *, result: Entry | None = None, error: BaseException | None = None) -> None:
    if not answer.done():  # its request may have been cancelled meanwhile
        if error is not None:
            answer.set_exception(error)
        else:
            answer.set_result(result)


class JournalEntries:
    def __init__(self, engine: AsyncEngine):
        self.engine = engine
        self._pending: list[PendingCreate] = []  # creates not yet sent, of any company
        self._senders: set[asyncio.Task] = set()  # the tasks sending them
        self._sending: set[uuid.UUID] = set()  # the companies of the statements under way
        self._reads = db.Lookup(engine, _BY_IDS, key=_company_and_id, arguments=_ids_of)

    async def _header(self, conn: AsyncConnection, cid: uuid.UUID, entry_id: uuid.UUID, *, lock: bool = False) -> Mapping:
        query = select(ENTRIES).where(ENTRIES.c.company_id == cid, ENTRIES.c.id == entry_id)
        row = (await conn.execute(query.with_for_update() if lock else query)).first()
        if row is None:
            raise NotFound(f"journal entry {entry_id} not found")
        return row._mapping

    async def _entry(self, conn: AsyncConnection | asyncpg.Connection, cid: uuid.UUID, entry_id: uuid.UUID) -> Entry:
        """The entry with its lines, read on `conn` (in its transaction, if it has one)."""
        driver = conn if isinstance(conn, asyncpg.Connection) else await driver_connection(conn)
        found = _entries(await _ONE_ENTRY.fetch(driver, cid=cid, eid=entry_id))
        if not found:
            raise NotFound(f"journal entry {entry_id} not found")
        return found[0]

    async def _draft_for_change(self, conn: AsyncConnection, cid: uuid.UUID, entry_id: uuid.UUID, action: str) -> Mapping:
        header = await self._header(conn, cid, entry_id, lock=True)
        if header["is_posted"]:
            raise FailedPrecondition(
                f"journal entry {header['number']} is posted and cannot be {action}; unpost it first", reason="ENTRY_POSTED"
            )
        return header

    async def get(self, company_id: str, entry_id: str) -> Entry:
        found = _entries(await self._reads.get((str(uuid.UUID(company_id)), str(uuid.UUID(entry_id)))))
        if not found:
            raise NotFound(f"journal entry {entry_id} not found")
        return found[0]

    async def list(
        self, company_id: str, requested_size: int, token: str, filters: Mapping, *, with_lines: bool = True
    ) -> tuple[list[Entry], str, int]:
        """Newest number first, with their lines or (`with_lines` false) headers only. Filters:
        date_from/date_to (accounting date), posted (None for both), counterpart_id, document_type."""
        v = Violations()
        date_from = v.date(filters["date_from"], "date_from", required=False)
        date_to = v.date(filters["date_to"], "date_to", required=False)
        v.raise_if_any()
        size = paging.page_size(requested_size)
        after = paging.decode_token(token, int)
        given = {
            "date_from": date_from,
            "date_to": date_to,
            "posted": filters["posted"],
            "counterpart_id": uuid.UUID(filters["counterpart_id"]) if filters["counterpart_id"] else None,
            "document_type": filters["document_type"] or None,
            "after": after[0] if after else None,
        }
        given = {name: value for name, value in given.items() if value is not None}
        async with db.reading(self.engine) as conn:
            rows = await _list_query(tuple(given), with_lines).fetch(conn, cid=uuid.UUID(company_id), limit=size + 1, **given)
        found = _entries(rows, start=1, with_lines=with_lines)
        page, next_token = paging.next_page(found, size, lambda e: (int(e.header["entry_number"]),))
        return page, next_token, rows[0][0]

    async def create(self, company_id: str, raw: Mapping, request_id: str) -> Entry:
        """The new entry, or for a repeat of request_id the entry the first request created."""
        cid = uuid.UUID(company_id)
        draft = parse_entry(raw)
        caller = current_caller()
        key = idempotency.key(f"{caller.user_id}/{cid}", "CreateJournalEntry", request_id)
        loop = asyncio.get_running_loop()
        pending = PendingCreate(cid, draft, uuid.UUID(caller.user_id), key, loop.create_future())
        self._pending.append(pending)
        if len(self._senders) < SENDERS:
            sender = loop.create_task(self._send_creates(), context=contextvars.Context())  # no request's logs
            self._senders.add(sender)
            sender.add_done_callback(self._senders.discard)
        return await pending.answer

    async def _send_creates(self) -> None:
        """Sends the pending creates, those that arrived meanwhile together next, until none is
        left that another sender's statement is not already sending for its company (that
        sender takes them when its statement is done)."""
        while True:
            self._pending = [create for create in self._pending if not create.answer.done()]  # done: cancelled
            now = [create for create in self._pending if create.company_id not in self._sending][:CREATES_TOGETHER]
            if not now:
                return
            taken = set(now)
            self._pending = [create for create in self._pending if create not in taken]
            companies = {create.company_id for create in now}
            self._sending |= companies
            try:
                await self._send(now)
            finally:
                self._sending -= companies

    async def _send(self, creates: Sequence[PendingCreate]) -> None:
        _BATCH_SIZES.observe(len(creates))
        try:
            if len(creates) > 1:
                async with self.engine.connect() as conn:
                    created = await _create_together(await driver_connection(conn), creates)
                if created is not None:
                    CREATED.inc(len(created))
                    for create in creates:
                        _answer(create.answer, result=created[create.entry_id])
                    return
            for create in creates:
                if create.answer.done():
                    continue
                try:
                    entry = await self._create_one(create)
                except Exception as exc:
                    if db.outage(exc) is not None:
                        raise
                    _answer(create.answer, error=exc)  # this create's own refusal (or failure)
                else:
                    _answer(create.answer, result=entry)
        except Exception as exc:  # the database is gone: every create still waiting hears it
            for create in creates:
                _answer(create.answer, error=exc)
        except BaseException:  # this task was cancelled (the server stops): so are the creates
            for create in creates:
                create.answer.cancel()
            raise

    async def _create_one(self, create: PendingCreate) -> Entry:
        # One statement that commits on its own, the request_id's claim included, so the
        # company's number row is locked only while PostgreSQL runs it. It goes to asyncpg
        # directly, outside any transaction (SQLAlchemy begins one only for its own statements:
        # a repeat's reads below), so no AUTOCOMMIT option is needed, nor its cost per create.
        cid = create.company_id
        async with self.engine.connect() as conn:
            entry = await _create(conn, cid, create.user_id, create.draft, create.key)
            if entry is None:
                assert create.key is not None, "only a request_id can have been claimed before"
                return await self._entry(conn, cid, await idempotency.claimed_by(conn, IDEMPOTENCY_KEYS, create.key))
        CREATED.inc()  # committed with its statement; a repeat of a request_id is not counted
        return entry

    async def update(self, company_id: str, entry_id: str, raw: Mapping) -> Entry:
        """Replaces a draft's header and lines; its number and author stay."""
        cid, eid = uuid.UUID(company_id), uuid.UUID(entry_id)
        draft = parse_entry(raw)
        async with self.engine.begin() as conn:
            await self._draft_for_change(conn, cid, eid, "changed")
            await _check_references_of(conn, cid, draft)
            await conn.execute(update(ENTRIES).where(ENTRIES.c.id == eid).values(**draft.header, updated_at=func.now()))
            await conn.execute(delete(LINES).where(LINES.c.entry_id == eid))
            await conn.execute(insert(LINES), _line_rows(eid, cid, draft))
            return await self._entry(conn, cid, eid)

    async def delete(self, company_id: str, entry_id: str) -> None:
        cid, eid = uuid.UUID(company_id), uuid.UUID(entry_id)
        async with self.engine.begin() as conn:
            await self._draft_for_change(conn, cid, eid, "deleted")
            await conn.execute(delete(ENTRIES).where(ENTRIES.c.id == eid))
            await conn.execute(update(COUNTERS).where(COUNTERS.c.company_id == cid).values(entries=COUNTERS.c.entries - 1))

    async def post(self, company_id: str, entry_id: str) -> Entry:
        cid, eid = uuid.UUID(company_id), uuid.UUID(entry_id)
        async with self.engine.begin() as conn:
            header = await self._header(conn, cid, eid, lock=True)
            if header["is_posted"]:
                raise FailedPrecondition(f"journal entry {header['number']} is already posted", reason="ENTRY_POSTED")
            await conn.execute(
                update(ENTRIES)
                .where(ENTRIES.c.id == eid)
                .values(is_posted=True, posted_at=func.now(), posted_by=uuid.UUID(current_caller().user_id), updated_at=func.now())
            )
            entry = await self._entry(conn, cid, eid)
        POSTED.inc()
        return entry

    async def unpost(self, company_id: str, entry_id: str) -> Entry:
        cid, eid = uuid.UUID(company_id), uuid.UUID(entry_id)
        async with self.engine.begin() as conn:
            header = await self._header(conn, cid, eid, lock=True)
            if not header["is_posted"]:
                raise FailedPrecondition(f"journal entry {header['number']} is not posted", reason="ENTRY_NOT_POSTED")
            await conn.execute(
                update(ENTRIES).where(ENTRIES.c.id == eid).values(is_posted=False, posted_at=None, posted_by=None, updated_at=func.now())
            )
            return await self._entry(conn, cid, eid)
