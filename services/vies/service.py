"""The ViesService servicer: proto <-> Checker, nothing else."""

from baraba.vies.v1 import vies_pb2 as pb
from baraba.vies.v1 import vies_pb2_grpc as rpc

from services.kernel.fields import timestamp
from services.vies.checker import Check, Checker
from services.vies.remote import Trader

_MATCH = {"1": pb.TRADER_MATCH_VALID, "2": pb.TRADER_MATCH_INVALID, "3": pb.TRADER_MATCH_NOT_PROCESSED}


def check_message(check: Check) -> pb.VatNumberCheck:
    return pb.VatNumberCheck(
        country_code=check.country_code,
        vat_number=check.vat_number,
        valid=check.valid,
        name=check.name,
        address=check.address,
        request_date=check.request_date.isoformat(),
        cached=check.cached,
        checked_at=timestamp(check.checked_at),
        stale=check.stale,
        stale_reason=check.stale_reason,
        consultation_number=check.consultation_number,
        **{f"{part}_match": _MATCH.get(code, pb.TRADER_MATCH_UNSPECIFIED) for part, code in check.matches.items()},
    )


class ViesServicer(rpc.ViesServiceServicer):
    def __init__(self, checker: Checker):
        self.checker = checker

    async def CheckVatNumber(self, request, context):
        return check_message(await self.checker.check(request.vat_number, context.time_remaining()))

    async def CheckVatNumberApprox(self, request, context):
        trader = Trader(
            name=request.trader_name.strip(),
            street=request.trader_street.strip(),
            postcode=request.trader_postcode.strip(),
            city=request.trader_city.strip(),
        )
        check = await self.checker.check_approx(request.vat_number, request.requester_vat_number, trader, context.time_remaining())
        return check_message(check)
