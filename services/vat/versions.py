"""The kept versions of a company's returns: listed, read, and their files streamed back a
chunk at a time, alone or as one ZIP built while it is sent. Memory stays at a chunk or two
whatever the size of the month."""

import asyncio
import uuid
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import IO, cast

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.kernel import paging
from services.kernel.errors import NotFound
from services.vat.store import VatFileChunk, VatReturn, VatReturnFile

RETURNS = VatReturn.__table__
FILES = VatReturnFile.__table__
CHUNKS = VatFileChunk.__table__
OLD_ROUTE_LIMIT = 16 * 1024 * 1024  # bytes the old all-in-one JSON answer may carry (see all_contents)


@dataclass
class Kept:
    row: VatReturn
    files: list[VatReturnFile]  # their facts, not their bytes


class TooLargeForOneAnswer(Exception):
    pass


def _row(found) -> VatReturn:
    return VatReturn(**found._mapping)


async def _files(conn: AsyncConnection, return_id: uuid.UUID) -> list[VatReturnFile]:
    rows = await conn.execute(select(FILES).where(FILES.c.return_id == return_id).order_by(FILES.c.name))
    return [VatReturnFile(**r._mapping) for r in rows]


async def _kept(conn: AsyncConnection, company_id: uuid.UUID, return_id: uuid.UUID) -> Kept:
    found = (await conn.execute(select(RETURNS).where(RETURNS.c.id == return_id, RETURNS.c.company_id == company_id))).first()
    if found is None:
        raise NotFound(f"VAT return {return_id} not found")
    return Kept(_row(found), await _files(conn, return_id))


async def _chunks(conn: AsyncConnection, return_id: uuid.UUID, name: str) -> AsyncIterator[bytes]:
    """The file's bytes in order, one chunk per query by its key (a server-side cursor would do
    as well in principle, but the driver's cursor reads 50 rows ahead: 50 MiB here). The next
    chunk is read while the caller sends this one."""
    query = select(CHUNKS.c.data).where(CHUNKS.c.return_id == return_id, CHUNKS.c.name == name)
    seq = 0
    reading = asyncio.ensure_future(conn.scalar(query.where(CHUNKS.c.seq == seq)))
    try:
        while (data := await reading) is not None:
            seq += 1
            reading = asyncio.ensure_future(conn.scalar(query.where(CHUNKS.c.seq == seq)))
            yield data
    finally:  # a caller that stopped early: the chunk read ahead is dropped once read, so the connection is free
        await asyncio.wait([reading])
        if not reading.cancelled():
            reading.exception()  # retrieved: an error of a dropped read is not reported as unhandled


class _Sink:
    """What zipfile writes into, drained by the generator after every write (zipfile accepts a
    stream that cannot seek: it then writes each entry's sizes after its data)."""

    def __init__(self):
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        out, self.parts = b"".join(self.parts), []
        return out


class Versions:
    def __init__(self, engine: AsyncEngine):
        self.engine = engine

    async def page(self, company_id: str, period: str, requested_size: int, token: str) -> tuple[list[Kept], str]:
        """Newest period and version first."""
        after = paging.decode_token(token, str, int)
        size = paging.page_size(requested_size)
        query = select(RETURNS).where(RETURNS.c.company_id == uuid.UUID(company_id))
        if period:
            query = query.where(RETURNS.c.period == period)
        if after is not None:
            p, v = after
            query = query.where((RETURNS.c.period < p) | ((RETURNS.c.period == p) & (RETURNS.c.version < v)))
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query.order_by(RETURNS.c.period.desc(), RETURNS.c.version.desc()).limit(size + 1))).all()
            kept = [Kept(_row(r), await _files(conn, r.id)) for r in rows]
        return paging.next_page(kept, size, lambda k: (k.row.period, k.row.version))

    async def get(self, company_id: str, return_id: str) -> Kept:
        async with self.engine.connect() as conn:
            return await _kept(conn, uuid.UUID(company_id), uuid.UUID(return_id))

    async def file(self, company_id: str, return_id: str, name: str) -> tuple[VatReturnFile, AsyncIterator[bytes]]:
        """The file's facts, and its bytes to read while the caller sends them."""
        async with self.engine.connect() as conn:
            kept = await _kept(conn, uuid.UUID(company_id), uuid.UUID(return_id))
        facts = next((f for f in kept.files if f.name == name), None)
        if facts is None:
            raise NotFound(f"VAT return {return_id} has no file {name}")
        return facts, self._read(kept.row.id, name)

    async def _read(self, return_id: uuid.UUID, name: str) -> AsyncIterator[bytes]:
        async with self.engine.connect() as conn:
            async for data in _chunks(conn, return_id, name):
                yield data

    async def archive(self, company_id: str, return_id: str) -> tuple[str, AsyncIterator[bytes]]:
        """The ZIP's file name, and its bytes as they are made."""
        async with self.engine.connect() as conn:
            kept = await _kept(conn, uuid.UUID(company_id), uuid.UUID(return_id))
        row = kept.row
        return f"VAT-{row.cells.get('00-01', '')}-{row.period}-v{row.version}.zip", self._zip(kept)

    async def _zip(self, kept: Kept) -> AsyncIterator[bytes]:
        """Each file deflated as its chunks arrive. Entry times are the return's creation time,
        so the same version always downloads as the same bytes."""
        stamp = kept.row.created_at.timetuple()[:6]
        sink = _Sink()
        async with self.engine.connect() as conn:
            with zipfile.ZipFile(cast(IO[bytes], sink), "w", zipfile.ZIP_DEFLATED) as z:
                for facts in kept.files:
                    info = zipfile.ZipInfo(facts.name, date_time=stamp)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    with z.open(info, "w", force_zip64=facts.size > zipfile.ZIP64_LIMIT) as entry:
                        async for data in _chunks(conn, kept.row.id, facts.name):
                            entry.write(data)
                            if out := sink.drain():
                                yield out
                    if out := sink.drain():
                        yield out
        if out := sink.drain():
            yield out  # the central directory

    async def all_contents(self, return_id: str) -> dict[str, bytes]:
        """Every file of a version whole, for the old route that answers with all of them in one
        JSON body. Refused (TooLargeForOneAnswer) above OLD_ROUTE_LIMIT: such a month is read
        through the downloads, which stream."""
        rid = uuid.UUID(return_id)
        async with self.engine.connect() as conn:
            files = await _files(conn, rid)
            if sum(f.size for f in files) > OLD_ROUTE_LIMIT:
                raise TooLargeForOneAnswer()
            contents = {}
            for f in files:
                contents[f.name] = b"".join([data async for data in _chunks(conn, rid, f.name)])
            return contents
