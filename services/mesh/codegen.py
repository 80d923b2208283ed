"""Generates gen/ from proto/: Python messages, .pyi, gRPC stubs and the descriptor set
that Envoy's transcoder and grpcurl read; and the browser's TypeScript types and calls in
frontend/src/gen/ (services/mesh/tsgen.py). Usage: python -m services.mesh.codegen [OUT_DIR]

The imported contracts (google/api, google/rpc, validate) are copied into third_party/ from
the pinned wheels that also provide their Python code at run time, so the two never drift.
"""

import shutil
import sys
from pathlib import Path

import grpc_tools
from grpc_tools import protoc

from services.mesh import openapi, tsgen

ROOT = Path(__file__).resolve().parents[2]
TYPESCRIPT = ROOT / "frontend" / "src" / "gen"
PROTO = ROOT / "proto"
THIRD_PARTY = ROOT / "third_party"
DESCRIPTOR_NAME = "baraba.binpb"
OPENAPI_NAME = "openapi.json"  # the REST API's OpenAPI document (services/mesh/openapi.py)

# googleapis-common-protos ships these .proto files next to their generated modules.
GOOGLE_PROTOS = [
    "google/api/annotations.proto",
    "google/api/http.proto",
    "google/api/httpbody.proto",
    "google/rpc/code.proto",
    "google/rpc/error_details.proto",
    "google/rpc/status.proto",
]
# Error details the services send; Envoy needs their types to print them as JSON.
EXTRA_DESCRIPTOR_FILES = ["google/rpc/error_details.proto"]


def _site_packages() -> Path:
    import google.api

    return Path(google.api.__path__[0]).parents[1]


def _validate_proto() -> Path:
    # protoc-gen-validate installs validate.proto as data files under <prefix>/data/.
    candidate = Path(sys.prefix) / "data" / "validate.proto"
    if not candidate.exists():
        raise SystemExit(f"validate.proto not found at {candidate}: is protoc-gen-validate installed?")
    return candidate


def refresh_third_party() -> None:
    for name in GOOGLE_PROTOS:
        target = THIRD_PARTY / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_site_packages() / name, target)
    (THIRD_PARTY / "validate").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_validate_proto(), THIRD_PARTY / "validate" / "validate.proto")


def _protoc(*args: str) -> None:
    builtin = Path(grpc_tools.__file__).parent / "_proto"
    argv = ["protoc", f"-I{PROTO}", f"-I{THIRD_PARTY}", f"-I{builtin}", *args]
    if protoc.main(argv) != 0:
        raise SystemExit("protoc failed: " + " ".join(argv))


def generate(out: Path) -> None:
    """Writes the whole generated tree into `out` (emptied first)."""
    sources = sorted(str(p.relative_to(PROTO)) for p in PROTO.rglob("*.proto"))
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    _protoc(f"--python_out={out}", f"--pyi_out={out}", f"--grpc_python_out={out}", *sources)
    # validate_pb2 is not shipped by any wheel; the generated messages import it.
    _protoc(f"--python_out={out}", f"--pyi_out={out}", "validate/validate.proto")
    _protoc(
        "--include_imports",
        f"--descriptor_set_out={out / DESCRIPTOR_NAME}",
        *sources,
        *EXTRA_DESCRIPTOR_FILES,
    )
    (out / OPENAPI_NAME).write_text(openapi.render((out / DESCRIPTOR_NAME).read_bytes()))


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "gen"
    refresh_third_party()
    generate(target)
    tsgen.write(target / DESCRIPTOR_NAME, TYPESCRIPT)
    print(f"generated {target} and {TYPESCRIPT}")
