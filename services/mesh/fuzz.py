"""A schema-driven fuzz run of the REST API: schemathesis generates requests for every
operation of gen/openapi.json (as served by the edge), valid ones and deliberately invalid
ones, sends them through the real edge and checks every answer: never a 5xx, and always what
the document says (status, content type, body schema). The suite runs it with a small fixed
budget (tests/test_fuzz.py), bench/fuzz.py with a larger one."""

import collections
import contextlib
from dataclasses import dataclass, field

import hypothesis
import schemathesis
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Not fuzzed: ending the fuzzing user's own session would turn the rest of the run into 401s.
SKIPPED = {"POST /api/auth/logout"}


@dataclass
class Run:
    requests: int = 0
    statuses: collections.Counter = field(default_factory=collections.Counter)
    failures: list[str] = field(default_factory=list)


def fuzz(edge_url: str, token: str, examples: int, seed: int = 10) -> Run:
    """`examples` valid and `examples` invalid requests per operation, from a fixed seed."""
    schema = schemathesis.openapi.from_url(f"{edge_url}/api/openapi.json")
    headers = {"authorization": f"Bearer {token}"}
    run = Run()
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # the document is ours: every operation loads
        if operation.label in SKIPPED:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz_operation(operation, mode, edge_url, headers, examples, seed, run)
    return run


def _fuzz_operation(operation, mode, edge_url: str, headers: dict, examples: int, seed: int, run: Run) -> None:
    @hypothesis.settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[hypothesis.Phase.generate],  # a fixed budget: no shrinking, no replay
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.seed(seed)
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    def send(case) -> None:
        run.requests += 1
        try:
            response = case.call(base_url=edge_url, headers=headers)
        except Exception as exc:  # the edge dropped the connection: as bad as a 5xx
            run.failures.append(f"{operation.label} [{mode.value}]: no answer ({type(exc).__name__})")
            return
        run.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis reports failures as a group
            first = str(exc).strip().splitlines()[:6]
            run.failures.append(f"{operation.label} [{mode.value}] -> {response.status_code}: " + " | ".join(first))

    with contextlib.suppress(hypothesis.errors.Unsatisfiable):  # e.g. nothing invalid to make of no parameters
        send()
