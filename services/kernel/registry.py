"""The processes of the mesh and their default gRPC ports (overridable per environment).
"reflection" answers grpcurl's reflection requests at the edge for every service."""

DEFAULT_PORTS = {
    "edge": 5000,
    "scanner": 5001,
    "identity": 5002,
    "vies": 5003,
    "vat": 5004,
    "ledger": 5005,
    "reflection": 5009,
}
