"""Exits 0 when the gRPC server at ADDR reports SERVING: the probe for containers.

python -m services.kernel.healthcheck 127.0.0.1:5002
"""

import sys

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc


def serving(addr: str, timeout: float = 1.0) -> bool:
    with grpc.insecure_channel(addr) as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=timeout)
        except grpc.RpcError:
            return False
    return reply.status == health_pb2.HealthCheckResponse.SERVING


if __name__ == "__main__":
    sys.exit(0 if serving(sys.argv[1]) else 1)
