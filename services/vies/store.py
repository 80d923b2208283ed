"""The cache of VIES answers: the last answer per number, with VIES's raw name and address
kept beside the cleaned ones for audit. How long an answer counts as fresh is decided when it
is read (checker.Policy), so a changed setting applies to answers already stored."""

from datetime import date, datetime

from sqlalchemy import Date, DateTime, String, Text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class CachedCheck(Base):
    __tablename__ = "vat_checks"

    country_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    vat_number: Mapped[str] = mapped_column(String(12), primary_key=True)
    valid: Mapped[bool]
    name: Mapped[str] = mapped_column(Text)
    address: Mapped[str] = mapped_column(Text)
    raw_name: Mapped[str | None] = mapped_column(Text)
    raw_address: Mapped[str | None] = mapped_column(Text)
    request_date: Mapped[date] = mapped_column(Date)
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CheckStore:
    def __init__(self, sessions: async_sessionmaker):
        self.sessions = sessions

    async def get(self, country_code: str, vat_number: str) -> CachedCheck | None:
        async with self.sessions() as session:
            return await session.get(CachedCheck, (country_code, vat_number))

    async def save(self, row: CachedCheck) -> None:
        values = {c.name: getattr(row, c.name) for c in CachedCheck.__table__.columns}
        keys = ("country_code", "vat_number")
        statement = insert(CachedCheck).values(values)
        statement = statement.on_conflict_do_update(index_elements=keys, set_={k: v for k, v in values.items() if k not in keys})
        async with self.sessions.begin() as session:
            await session.execute(statement)
