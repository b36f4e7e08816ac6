"""The README's curl tour runs as written against a real server."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

from tests.conftest import Api

README = Path(__file__).resolve().parents[1] / "README.md"


def _tour() -> str:
    text = README.read_text()
    section = text.split("<!-- tour:start -->")[1].split("<!-- tour:end -->")[0]
    return "\n".join(re.findall(r"```bash\n(.*?)```", section, flags=re.S))


def test_readme_tour(live_server: str, api: Api, tmp_path: Path) -> None:
    script = "set -euo pipefail\n" + _tour().replace("/tmp/caso.json", str(tmp_path / "caso.json"))
    env = {**os.environ, "API": live_server, "VETANCO_API_KEY": api.keys["admin"]}
    result = subprocess.run(
        ["bash", "-c", script], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "Caso creado: VET-" in result.stdout
    numero = re.search(r"Caso creado: (VET-\d{4}-\d{5})", result.stdout)
    assert numero
    detalle = api.get(f"/api/casos/{numero.group(1)}").json()["caso"]
    assert detalle["estado"] == "resuelto"
    assert detalle["criticidad"] == "critico"
    assert detalle["investigacion"]["causa_raiz"] == "Falla en limpieza de tanque de mezclado"
    assert detalle["colaborador_registro"]["nombre"] == "María González"
    assert '"error":' not in result.stdout, result.stdout
    assert json.loads((tmp_path / "caso.json").read_text())["status"] == "success"
