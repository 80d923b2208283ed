"""Scanner: invoice recognition (PDF text layer, Tesseract OCR, or Azure Document Intelligence
where a company configures it), review, and booking into the ledger.

Settings (besides the kernel's):
BARABA_SCANNER_MAX_UPLOAD_MB   largest file accepted, in MB (20). The edge refuses bodies over
                               25 MiB before they reach the service.
BARABA_SCANNER_READ_MEMORY_MB  address space one file's reading may use, in MB (512)
BARABA_SCANNER_READ_SECONDS    CPU time one file's reading may take, in seconds (20)
BARABA_SCANNER_MAX_INFLATED_MB what a PDF's compressed streams may inflate to, in MB (256)
BARABA_SCANNER_AZURE_ALLOWED_HOSTS  host:port pairs a company's Azure endpoint may use without
                               https and a public address (a stand-in, an on-premises container)
BARABA_SEALING_KEY             encrypts the companies' Azure keys at rest (required in production)
"""

from baraba.scanner.v1 import scanner_pb2

from services.kernel import db, sealing
from services.kernel.auth import TokenVerifier
from services.kernel.jwks import JwksKeySource
from services.kernel.server import MeshServer, run_service
from services.kernel.settings import ConfigError, Settings, env
from services.scanner import reading
from services.scanner.approval import Approvals
from services.scanner.batches import Batches
from services.scanner.company_settings import CompanySettings
from services.scanner.invoices import Invoices
from services.scanner.recognition import Recognition
from services.scanner.service import ScannedInvoiceServicer, ScanServicer


def max_upload_bytes() -> int:
    try:
        megabytes = float(env("BARABA_SCANNER_MAX_UPLOAD_MB", "20"))
    except ValueError:
        raise ConfigError("BARABA_SCANNER_MAX_UPLOAD_MB must be a number of megabytes") from None
    if not 0 < megabytes <= 25:
        raise ConfigError("BARABA_SCANNER_MAX_UPLOAD_MB must be more than 0 and at most 25 (the edge's limit)")
    return int(megabytes * 1024 * 1024)


async def build(settings: Settings) -> MeshServer:
    if not reading.ocr_available():
        raise ConfigError("tesseract is not installed: run `make ocr` (apt-get install tesseract-ocr tesseract-ocr-bul)")
    sealing.configure(settings)  # the companies' Azure keys are stored sealed
    await db.migrate("scanner", settings.database_url)
    engine = db.create_engine(settings.database_url)
    sessions = db.session_factory(engine)
    company_settings = CompanySettings(sessions)
    recognition = Recognition(company_settings)
    invoices, batches = Invoices(sessions, recognition), Batches(sessions, recognition)
    await batches.resume_interrupted()
    server = MeshServer(settings, TokenVerifier(JwksKeySource()))
    services = scanner_pb2.DESCRIPTOR.services_by_name
    server.add(services["ScanService"], ScanServicer(invoices, batches, company_settings, max_upload_bytes()))
    server.add(services["ScannedInvoiceService"], ScannedInvoiceServicer(invoices, Approvals(invoices)))
    server.on_stop(batches.stop)
    server.on_stop(engine.dispose)
    return server


if __name__ == "__main__":
    run_service("scanner", build)
