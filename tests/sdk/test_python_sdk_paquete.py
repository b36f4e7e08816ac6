"""The SDK as a package: every API operation reachable, no server imports, types that hold."""

from __future__ import annotations

import ast
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from vetanco.app import create_app
from vetanco.config import Settings
from vetanco.sdk import resources
from vetanco.sdk._call import Call
from vetanco.sdk.resources._base import endpoint, paginated

SDK_SRC = Path(__file__).resolve().parents[2] / "src" / "vetanco" / "sdk"
# Inbound receivers (Kapso, Reten) and the OAuth browser redirect are not for API clients.
NOT_FOR_CLIENTS = {
    ("POST", "/webhooks/kapso"),
    ("POST", "/webhooks/reten"),
    ("GET", "/oauth/reten/callback"),
}


def _calls() -> list[Call[Any]]:
    """Every SDK method's request, built with placeholder arguments."""
    built = []
    for name in resources.__all__:
        cls = getattr(resources, name)
        for attr in vars(cls).values():
            if not isinstance(attr, endpoint | paginated):
                continue
            params = list(inspect.signature(attr.build).parameters.values())[1:]
            args = [f"arg{i}" for i, p in enumerate(params) if p.kind is p.POSITIONAL_OR_KEYWORD]
            kwargs = {
                p.name: "x" for p in params if p.kind is p.KEYWORD_ONLY and p.default is p.empty
            }
            built.append(attr.build(None, *args, **kwargs))
    return built


def test_every_api_operation_is_reachable_from_the_sdk(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{tmp_path / 'x.db'}",
        storage_dir=tmp_path / "storage",
        worker_enabled=False,
    )
    app = create_app(settings)
    operations = {
        (method.upper(), path) for path, ops in app.openapi()["paths"].items() for method in ops
    } - NOT_FOR_CLIENTS
    app.state.db.dispose()
    calls = _calls()

    def reached(method: str, template: str) -> bool:
        pattern = re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$")
        return any(c.method == method and pattern.match(c.path) for c in calls)

    missing = sorted(op for op in operations if not reached(*op))
    assert not missing, f"operaciones sin método en el SDK: {missing}"


def test_sdk_imports_nothing_from_the_server() -> None:
    """Extractable as its own distribution: only httpx, pydantic and standardwebhooks."""
    for path in SDK_SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                assert not name.startswith("vetanco") or name.startswith("vetanco.sdk"), (
                    f"{path.name} importa {name}"
                )
    code = (
        "import sys, vetanco.sdk; "
        "print(sorted(m for m in sys.modules if m.startswith('vetanco') and m != 'vetanco' "
        "and not m.startswith('vetanco.sdk')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_readme_snippet_type_checks_and_misuse_does_not(tmp_path: Path) -> None:
    """mypy --strict on the example: typed filters, kwargs and results hold for integrators."""
    example = Path(__file__).with_name("ejemplo_python_sdk.py")
    root = SDK_SRC.parents[2]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(root / "pyproject.toml"),
            "--cache-dir",
            str(tmp_path / "mypy"),
            str(example),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "MYPYPATH": str(root / "src")},
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
