"""Ledger: companies, the chart of accounts, counterparts, VAT rates and journal entries.

It verifies access tokens with identity's public keys, asks identity for company grants (the
kernel checks the grant every company-scoped RPC declares; ClaimCompany when a company is
created) and asks vies to check counterparts' VAT numbers.

Settings (besides the kernel's):
BARABA_LEDGER_DB_POOL   database connections kept open (20): entry creation holds one per
                        concurrent request for a few milliseconds
"""

from baraba.ledger.v1 import ledger_pb2

from services.kernel import clients, db, idempotency
from services.kernel.auth import TokenVerifier
from services.kernel.jwks import JwksKeySource
from services.kernel.server import MeshServer, run_service
from services.kernel.settings import ConfigError, Settings, env
from services.ledger.accounts import Accounts
from services.ledger.companies import Companies
from services.ledger.counterparts import Counterparts
from services.ledger.entries import JournalEntries
from services.ledger.peers import Peers
from services.ledger.service import AccountServicer, CompanyServicer, CounterpartServicer, JournalEntryServicer, VatRateServicer
from services.ledger.store import IDEMPOTENCY_KEYS
from services.ledger.vat_rates import VatRates
from services.ledger.vat_stream import VatStream


async def build(settings: Settings) -> MeshServer:
    try:
        pool = int(env("BARABA_LEDGER_DB_POOL", "20"))
    except ValueError:
        raise ConfigError("BARABA_LEDGER_DB_POOL must be a number") from None
    await db.migrate("ledger", settings.database_url)
    # Every statement is shaped for its index (by company, by id); measured on the entry read,
    # PostgreSQL's CPU per read about halved without its planning (README, Ledger).
    engine = db.create_engine(settings.database_url, pool_size=pool, generic_plans=True)
    async with engine.begin() as conn:
        await idempotency.purge(conn, IDEMPOTENCY_KEYS)

    peers = Peers()
    server = MeshServer(settings, TokenVerifier(JwksKeySource()))
    services = ledger_pb2.DESCRIPTOR.services_by_name
    server.add(services["CompanyService"], CompanyServicer(Companies(engine, peers)))
    server.add(services["AccountService"], AccountServicer(Accounts(engine)))
    server.add(services["CounterpartService"], CounterpartServicer(Counterparts(engine, peers)))
    server.add(services["VatRateService"], VatRateServicer(VatRates(engine)))
    server.add(services["JournalEntryService"], JournalEntryServicer(JournalEntries(engine), VatStream(engine)))
    server.on_stop(clients.close_all)
    server.on_stop(engine.dispose)
    return server


if __name__ == "__main__":
    run_service("ledger", build)
