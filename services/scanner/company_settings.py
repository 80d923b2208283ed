"""Each company's recognition settings: the local recogniser, or Azure Document Intelligence
with the company's endpoint and key (the key sealed at rest)."""

from sqlalchemy.ext.asyncio import async_sessionmaker

from services.kernel.errors import InvalidArgument
from services.kernel.fields import parse_uuid
from services.scanner import endpoints
from services.scanner.store import RecognitionSettings


class CompanySettings:
    def __init__(self, sessions: async_sessionmaker):
        self.sessions = sessions

    async def get(self, company_id: str) -> RecognitionSettings:
        async with self.sessions() as db:
            found = await db.get(RecognitionSettings, parse_uuid(company_id, "company_id"))
        return found or RecognitionSettings(
            company_id=parse_uuid(company_id, "company_id"), engine="local", azure_endpoint="", azure_key=""
        )

    async def update(self, company_id: str, engine: str, endpoint: str, key: str) -> RecognitionSettings:
        try:
            if endpoint:
                endpoints.check_form(endpoint)
        except endpoints.UnsafeEndpoint as exc:
            raise InvalidArgument.field("azure_endpoint", str(exc)) from None
        async with self.sessions.begin() as db:
            row = await db.get(RecognitionSettings, parse_uuid(company_id, "company_id"), with_for_update=True)
            if row is None:
                row = RecognitionSettings(company_id=parse_uuid(company_id, "company_id"), azure_key="")
                db.add(row)
            row.engine, row.azure_endpoint = engine, endpoint
            if key:
                row.azure_key = key
            if engine == "azure" and not (row.azure_endpoint and row.azure_key):
                raise InvalidArgument.field("azure_endpoint", "Azure needs an endpoint and a key")
            if engine == "azure":
                try:
                    await endpoints.check(row.azure_endpoint)
                except endpoints.UnsafeEndpoint as exc:
                    raise InvalidArgument.field("azure_endpoint", str(exc)) from None
        return row
