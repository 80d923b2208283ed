"""What the ledger asks other services, over their typed stubs with the caller's token:
identity for company grants, vies for VAT number checks. Their failures become errors that
say which service failed and what happened to the request (kernel/peers.py)."""

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import grpc
from baraba.identity.v1 import identity_pb2, identity_pb2_grpc
from baraba.vies.v1 import vies_pb2, vies_pb2_grpc

from services.kernel import clients
from services.kernel.errors import InvalidArgument
from services.kernel.peers import peer_error, peer_errors

log = logging.getLogger(__name__)

VIES_TIMEOUT = 15.0  # VIES itself retries a member state that is slow to answer


@dataclass(frozen=True)
class VatCheck:
    country_code: str
    valid: bool
    name: str
    address: str
    checked_at: datetime | None


class Peers:
    async def my_company_ids(self) -> list[uuid.UUID]:
        stub = clients.stub(identity_pb2_grpc.CompanyAccessServiceStub, "identity")
        with peer_errors("identity", "your companies cannot be listed now"):
            reply = await stub.ListMyCompanies(identity_pb2.ListMyCompaniesRequest(), **clients.call_options())
        return [uuid.UUID(grant.company_id) for grant in reply.grants]

    async def claim_company(self, company_id: uuid.UUID) -> None:
        stub = clients.stub(identity_pb2_grpc.CompanyAccessServiceStub, "identity")
        with peer_errors("identity", "the company was not created"):
            await stub.ClaimCompany(identity_pb2.ClaimCompanyRequest(company_id=str(company_id)), **clients.call_options())

    async def release_company(self, company_id: uuid.UUID) -> None:
        """Best effort, after the company is gone: a grant left behind leads nowhere."""
        stub = clients.stub(identity_pb2_grpc.CompanyAccessServiceStub, "identity")
        try:
            await stub.ReleaseCompany(identity_pb2.ReleaseCompanyRequest(company_id=str(company_id)), **clients.call_options())
        except grpc.aio.AioRpcError as exc:
            log.warning("the grants of a deleted company stay in identity", extra={"company_id": str(company_id), "code": exc.code().name})

    async def check_vat(self, vat_number: str) -> VatCheck:
        stub = clients.stub(vies_pb2_grpc.ViesServiceStub, "vies")
        try:
            reply = await stub.CheckVatNumber(vies_pb2.CheckVatNumberRequest(vat_number=vat_number), **clients.call_options(VIES_TIMEOUT))
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.INVALID_ARGUMENT:  # the number we were given, not our request
                raise InvalidArgument.field("vat_number", exc.details() or "is not a valid VAT number") from None
            raise peer_error("vies", exc, "the VAT number was not checked and nothing was changed") from None
        checked_at = reply.checked_at.ToDatetime(tzinfo=UTC) if reply.HasField("checked_at") else None
        return VatCheck(reply.country_code, reply.valid, reply.name, reply.address, checked_at)
