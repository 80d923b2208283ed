"""Server reflection for the whole mesh, answered behind the edge: `grpcurl localhost:5000 list`
shows every service's contract, while each service's own port still lists only its own.

    python -m services.mesh.reflection        # listens on BARABA_LISTEN_ADDR or BARABA_REFLECTION_ADDR
"""

import asyncio
import signal

import grpc
from google.rpc import error_details_pb2  # noqa: F401 (so grpcurl can print error details)
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from services.kernel.registry import SERVICES, grpc_services
from services.kernel.settings import env, service_addr


async def serve(addr: str) -> None:
    server = grpc.aio.server()
    health_pb2_grpc.add_HealthServicer_to_server(health.aio.HealthServicer(), server)
    names = [service.full_name for name in SERVICES for service in grpc_services(name)]
    reflection.enable_server_reflection(
        [*names, reflection.SERVICE_NAME, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name], server
    )
    server.add_insecure_port(addr)
    await server.start()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    await stop.wait()
    await server.stop(1)


if __name__ == "__main__":
    asyncio.run(serve(env("BARABA_LISTEN_ADDR", service_addr("reflection"))))
