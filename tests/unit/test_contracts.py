"""The contracts and what is generated from them: lint, compatibility, freshness, the edge."""

import subprocess
import sys
from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2

from services.kernel import validation
from services.kernel.interceptors import access_rule, permission_name
from services.mesh import codegen, edge, tsgen
from services.mesh.launcher import SERVICES

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_gen_is_what_proto_produces(tmp_path):
    codegen.generate(tmp_path / "gen")
    fresh = {p.relative_to(tmp_path / "gen"): p.read_bytes() for p in (tmp_path / "gen").rglob("*") if p.is_file()}
    committed = {
        p.relative_to(ROOT / "gen"): p.read_bytes() for p in (ROOT / "gen").rglob("*") if p.is_file() and "__pycache__" not in p.parts
    }
    stale = sorted(str(name) for name in fresh.keys() | committed.keys() if fresh.get(name) != committed.get(name))
    assert not stale, f"gen/ is stale, run `make gen`: {stale}"


def test_typescript_is_what_proto_produces(tmp_path):
    codegen.generate(tmp_path / "gen")
    fresh = tsgen.render((tmp_path / "gen" / codegen.DESCRIPTOR_NAME).read_bytes())
    committed = {p.name: p.read_text() for p in codegen.TYPESCRIPT.glob("*.ts")}
    stale = sorted(name for name in fresh.keys() | committed.keys() if fresh.get(name) != committed.get(name))
    assert not stale, f"frontend/src/gen/ is stale, run `make gen`: {stale}"


def test_buf_lint_passes():
    done = run(str(BIN / "buf"), "lint")
    assert done.returncode == 0, done.stdout + done.stderr


def test_no_breaking_change_against_the_released_contracts(tmp_path):
    built = run(str(BIN / "buf"), "build", "--exclude-source-info", "-o", str(tmp_path / "current.binpb"))
    assert built.returncode == 0, built.stderr
    done = run(str(BIN / "buf"), "breaking", str(tmp_path / "current.binpb"), "--against", "proto/baseline.binpb")
    assert done.returncode == 0, done.stdout + done.stderr


def test_buf_breaking_catches_a_removed_field(tmp_path):
    """The check above can fail: removing a field from a released message is caught."""
    image = descriptor_pb2.FileDescriptorSet.FromString((ROOT / "proto" / "baseline.binpb").read_bytes())
    victim = next(f for f in image.file if f.name == "baraba/identity/v1/identity.proto")
    user = next(m for m in victim.message_type if m.name == "User")
    del user.field[-1]
    (tmp_path / "newer.binpb").write_bytes(image.SerializeToString())
    done = run(str(BIN / "buf"), "breaking", str(tmp_path / "newer.binpb"), "--against", "proto/baseline.binpb")
    assert done.returncode != 0 and "User" in done.stdout


def _methods():
    for name in SERVICES:
        for service in edge.grpc_services(name):
            for method in service.methods:
                yield service, method


@pytest.mark.parametrize(("service", "method"), list(_methods()), ids=lambda x: getattr(x, "name", ""))
def test_every_rpc_declares_who_may_call_it_and_its_rules_are_checkable(service, method):
    rule = access_rule(f"/{service.full_name}/{method.name}")
    assert rule.public or rule.permission == 0 or permission_name(rule.permission)
    validation.check_supported(method.input_type)


def test_an_rpc_without_a_rest_route_is_internal_to_the_mesh():
    """gRPC-only RPCs are what services call on each other: each must be declared internal (the
    edge refuses it, the service wants the mesh credential), and an internal RPC has no REST
    route. A new service-only RPC cannot be left reachable from outside by forgetting it."""
    from baraba.access.v1 import access_pb2
    from google.api import annotations_pb2

    for _service, method in _methods():
        options = method.GetOptions()
        has_route = bool(options.Extensions[annotations_pb2.http].WhichOneof("pattern"))
        assert has_route != options.Extensions[access_pb2.access].internal, method.full_name


def test_permission_names_match_the_group_flags():
    from baraba.access.v1 import access_pb2
    from baraba.identity.v1 import identity_pb2

    names = {permission_name(v.number) for v in access_pb2.Permission.DESCRIPTOR.values if v.number}
    assert names == set(identity_pb2.Permissions.DESCRIPTOR.fields_by_name)


def test_envoy_accepts_the_rendered_config(tmp_path):
    config = edge.render(
        tmp_path / "envoy.yaml",
        {"edge": "127.0.0.1:15000", "reflection": "127.0.0.1:15009", **{s: f"127.0.0.1:{15001 + i}" for i, s in enumerate(SERVICES)}},
        19901,
    )
    done = run(edge.envoy_binary(), "--mode", "validate", "-c", str(config))
    assert done.returncode == 0, done.stdout + done.stderr
    text = config.read_text()
    assert '"path": "/api/auth/login"' in text and '"path": "/baraba.identity.v1.AuthService/Login"' in text
    assert '"path": "/api/users"' not in text  # not public: needs a token at the edge
    # internal to the mesh: refused at the edge
    claim = "/baraba.identity.v1.CompanyAccessService/ClaimCompany"
    assert f'{{"name": "{claim}", "match": {{"path": "{claim}"}}, "direct_response": {{"status": 403' in text
