"""The TypeScript SDK in sdk/typescript: built with npm, run by node's test runner on a live server."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest
from fastapi import FastAPI

from vetanco.webhooks import signing
from vetanco.worker import BackgroundThread

SDK = Path(__file__).resolve().parents[2] / "sdk" / "typescript"
SOURCES = ("src", "test", "examples", "scripts")
TOP_FILES = (
    "package.json",
    "package-lock.json",
    "openapi.json",
    "tsconfig.json",
    "tsconfig.test.json",
    "tsconfig.examples.json",
)
NPM_TIMEOUT = 300


def _npm() -> str:
    """npm's path; skips locally without Node, but CI must have it."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node and npm:
        return npm
    if os.environ.get("CI"):
        pytest.fail("node y npm son obligatorios en CI para probar el SDK de TypeScript")
    pytest.skip("node/npm no están instalados: no se puede probar el SDK de TypeScript")


def _run(args: list[str], *, timeout: float = NPM_TIMEOUT) -> None:
    done = subprocess.run(
        args, cwd=SDK, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        pytest.fail(
            f"`{' '.join(args[1:] if args[0].endswith('npm') else args)}` terminó con "
            f"{done.returncode}\n--- stdout ---\n{done.stdout}\n--- stderr ---\n{done.stderr}"
        )


def _digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(str(path.relative_to(SDK)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


@contextlib.contextmanager
def _build_lock() -> Iterator[None]:
    """xdist workers share one sdk/typescript folder: one of them installs and builds at a time."""
    name = hashlib.sha256(str(SDK).encode()).hexdigest()[:16]
    with (Path(tempfile.gettempdir()) / f"vetanco-sdk-ts-{name}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def npm() -> str:
    """`npm ci` only when package-lock.json changed since the last install."""
    npm = _npm()
    with _build_lock():
        lock_sha = _digest([SDK / "package-lock.json"])
        stamp = SDK / "node_modules" / ".vetanco-lock-sha256"
        if not stamp.exists() or stamp.read_text() != lock_sha:
            _run([npm, "ci", "--no-audit", "--no-fund"])
            stamp.write_text(lock_sha)
    return npm


@pytest.fixture(scope="session")
def sdk_build(npm: str) -> Path:
    """dist/ and build/test/, rebuilt only when a source, config or the lock file changed."""
    with _build_lock():
        files = [p for d in SOURCES for p in (SDK / d).rglob("*") if p.is_file()]
        files += [SDK / f for f in TOP_FILES]
        digest = _digest(files)
        stamp = SDK / "build" / ".vetanco-sources-sha256"
        if not stamp.exists() or stamp.read_text() != digest:
            _run([npm, "run", "build"])
            _run([npm, "run", "build:test"])
            stamp.write_text(digest)
    return SDK / "build" / "test"


def _openapi_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sdk_openapi", SDK / "scripts" / "openapi.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_openapi_json_matches_the_app() -> None:
    script = _openapi_script()
    fresh = script.render(script.document())
    committed = (SDK / "openapi.json").read_text(encoding="utf-8")
    if fresh != committed:
        old, new = json.loads(committed), json.loads(fresh)
        changed = sorted(
            set(old["paths"]) ^ set(new["paths"])
            | {
                p
                for p in set(old["paths"]) & set(new["paths"])
                if old["paths"][p] != new["paths"][p]
            }
        )
        schemas_old, schemas_new = old["components"]["schemas"], new["components"]["schemas"]
        changed_schemas = sorted(
            k
            for k in set(schemas_old) | set(schemas_new)
            if schemas_old.get(k) != schemas_new.get(k)
        )
        pytest.fail(
            "sdk/typescript/openapi.json no coincide con la OpenAPI de la app "
            f"(rutas: {changed[:10]}, esquemas: {changed_schemas[:10]}). "
            "Corré `cd sdk/typescript && npm run generate` y commiteá openapi.json y api.ts."
        )


def test_generated_types_match_openapi_json(npm: str) -> None:
    _run([npm, "run", "check-generated"])


def _ts_block(text: str) -> str:
    found = re.search(r"```typescript\n(.*?)```", text, re.S)
    assert found, "falta el bloque ```typescript"
    return found.group(1).strip()


def test_readme_snippet_is_the_type_checked_spec_example() -> None:
    """README's first snippet is the spec's, and examples/spec.ts (type-checked) holds the same."""
    example = (SDK / "examples" / "spec.ts").read_text(encoding="utf-8")
    marked = re.search(r"// --- spec:inicio ---\n(.*?)// --- spec:fin ---", example, re.S)
    assert marked
    readme = (SDK / "README.md").read_text(encoding="utf-8")
    usage = readme[readme.index("## Uso") :]
    assert _ts_block(usage) == marked.group(1).strip()


def _webhook_sample(path: Path) -> Path:
    """A delivery signed by the server's own code, during a rotation (two secrets)."""
    secret, previous, other = signing.new_secret(), signing.new_secret(), signing.new_secret()
    body = json.dumps(
        {
            "event": "caso.creado",
            "timestamp": "2025-10-18T10:00:00Z",
            "data": {"numero_caso": "VET-2025-00123", "tipo_caso": "reclamo", "ñ": "sí"},
        },
        ensure_ascii=False,
    ).encode()
    headers = signing.headers(
        msg_id="msg_2Lx9Q8u7", event="caso.creado", timestamp=datetime.now(UTC),
        body=body, secrets_=[secret, previous],
    )  # fmt: skip
    sample = {
        "secret": secret,
        "secret_anterior": previous,
        "otro_secret": other,
        "body": body.decode(),
        "headers": headers,
    }
    path.write_text(json.dumps(sample, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def worker(app: FastAPI) -> Iterator[None]:
    """The background worker, so subscriptions get real signed deliveries."""
    thread = BackgroundThread(app.state.db, app.state.settings)
    thread.start()
    yield
    thread.shutdown()


def test_node_suite_against_live_server(
    sdk_build: Path,
    live_server: str,
    servidor_limitado: str,
    worker: None,
    keys: dict[str, str],
    tmp_path: Path,
) -> None:
    tests = sorted(str(p) for p in sdk_build.glob("*.test.js"))
    assert tests, f"no hay tests compilados en {sdk_build}"
    env = {
        **os.environ,
        "VETANCO_BASE_URL": live_server,
        "VETANCO_LIMITED_BASE_URL": servidor_limitado,
        "VETANCO_WEBHOOK_FIXTURE": str(_webhook_sample(tmp_path / "webhook.json")),
        "VETANCO_WORKER": "1",
        **{f"VETANCO_API_KEY_{role.upper()}": key for role, key in keys.items()},
    }
    env.pop("VETANCO_API_KEY", None)
    node = shutil.which("node")
    assert node
    done = subprocess.run(
        [node, "--test", "--test-reporter=spec", *tests],
        cwd=SDK,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, f"node --test falló:\n{done.stdout}\n{done.stderr}"
    assert re.search(r"^ℹ fail 0$", done.stdout, re.M), done.stdout
