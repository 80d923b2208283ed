"""VAT: the monthly НАП return files (DEKLAR, POKUPKI, PRODAGBI, VIES) from ledger's entries,
kept as versions per company and period."""

from baraba.vat.v1 import vat_pb2

from services.kernel import db
from services.kernel.auth import TokenVerifier
from services.kernel.jwks import JwksKeySource
from services.kernel.server import MeshServer, run_service
from services.kernel.settings import Settings
from services.vat.returns import Returns
from services.vat.service import VatReturnServicer
from services.vat.versions import Versions


async def build(settings: Settings) -> MeshServer:
    await db.migrate("vat", settings.database_url)
    engine = db.create_engine(settings.database_url)
    server = MeshServer(settings, TokenVerifier(JwksKeySource()))
    server.add(vat_pb2.DESCRIPTOR.services_by_name["VatReturnService"], VatReturnServicer(Returns(engine), Versions(engine)))
    server.on_stop(engine.dispose)
    return server


if __name__ == "__main__":
    run_service("vat", build)
