"""Writes the app's OpenAPI document to sdk/typescript/openapi.json, the SDK's single source of types."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from vetanco.app import create_app
from vetanco.config import Settings

TARGET = Path(__file__).resolve().parent.parent / "openapi.json"


def document() -> dict[str, Any]:
    """The document as the app serves it; settings are fixed so the output never depends on .env."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=f"sqlite:///{tmp}/openapi.db",
            storage_dir=Path(tmp) / "storage",
            worker_enabled=False,
        )
        app = create_app(settings)
        try:
            return app.openapi()
        finally:
            app.state.db.dispose()


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    """`--check` exits 1 when the committed file is stale instead of rewriting it."""
    text = render(document())
    if "--check" in argv:
        if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET} está desactualizado: corré `npm run generate`", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
