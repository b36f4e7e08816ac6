"""The rule classifier measured on a labelled set of Argentine Spanish complaint texts.

The set (`tests/data/triage_casos.jsonl`, one `{"texto", "tipo_caso", "criticidad"}` a line) is
written the way clients write on WhatsApp: voseo, slang, typos, abbreviations and negations. The
report (per-class accuracy, crítico recall and precision, confusion matrix, the misses) prints
with the test run; on its own:

    uv run pytest tests/triage/test_dataset.py -s
    uv run python -m tests.triage.test_dataset

The floors sit just below what the current `reglas.toml` achieves, so a rule edit that loses
ground fails here. Missing a crítico is the worst error: its recall has a hard floor of 0.95.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pytest

from vetanco.triage.clasificador import SEVERIDAD, clasificar

DATASET = Path(__file__).resolve().parents[1] / "data" / "triage_casos.jsonl"
CLASES = ("critico", "mayor", "menor", "queja", "comentario")
TIPOS = ("reclamo", "queja", "comentario")
CRITICIDADES = ("critico", "mayor", "menor")

MIN_FILAS = 200
MIN_CRITICOS = 50
RECALL_CRITICO_MIN = 0.95
# Just below what reglas.toml 2026-11-29 scores here (403 casos: exactitud 0.978, tipo_caso 0.983,
# criticidad 0.984, crítico recall 0.991 / precision 1.000), so that regressions fail.
# These are in-sample figures: the rules were tuned on this set. Two batches of it were scored
# before any tuning on them and got crítico recall 0.52 (81 casos) and 0.50 (60 casos), with
# precision 1.0; nearly every miss was a text where no rule fired. Unseen wording does worse.
PRECISION_CRITICO_MIN = 0.98
EXACTITUD_MIN = 0.97
TIPO_CASO_MIN = 0.975
CRITICIDAD_MIN = 0.975
POR_CLASE_MIN = {"critico": 0.97, "mayor": 0.97, "menor": 0.93, "queja": 0.95, "comentario": 0.94}


@dataclass(frozen=True, slots=True)
class Caso:
    linea: int
    texto: str
    tipo_caso: str
    criticidad: str | None

    @property
    def clase(self) -> str:
        return self.criticidad or self.tipo_caso


@dataclass(frozen=True, slots=True)
class Resultado:
    caso: Caso
    tipo_caso: str
    criticidad: str | None
    reglas: tuple[str, ...]

    @property
    def clase(self) -> str:
        return self.criticidad or self.tipo_caso


@dataclass(slots=True)
class Informe:
    resultados: list[Resultado] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.resultados)

    def cuenta(self) -> Counter[str]:
        return Counter(r.caso.clase for r in self.resultados)

    def matriz(self) -> Counter[tuple[str, str]]:
        """(real, sugerida) -> cases."""
        return Counter((r.caso.clase, r.clase) for r in self.resultados)

    def exactitud(self) -> float:
        return _ratio(sum(r.clase == r.caso.clase for r in self.resultados), self.n)

    def exactitud_clase(self, clase: str) -> float:
        suyos = [r for r in self.resultados if r.caso.clase == clase]
        return _ratio(sum(r.clase == clase for r in suyos), len(suyos))

    def exactitud_tipo(self, tipo: str | None = None) -> float:
        suyos = [r for r in self.resultados if tipo is None or r.caso.tipo_caso == tipo]
        return _ratio(sum(r.tipo_caso == r.caso.tipo_caso for r in suyos), len(suyos))

    def exactitud_criticidad(self, criticidad: str | None = None) -> float:
        """Over the reclamos only: a reclamo taken for a queja has no criticidad, so it misses."""
        suyos = [
            r
            for r in self.resultados
            if r.caso.tipo_caso == "reclamo" and criticidad in (None, r.caso.criticidad)
        ]
        return _ratio(sum(r.criticidad == r.caso.criticidad for r in suyos), len(suyos))

    def recall_critico(self) -> float:
        return self.exactitud_clase("critico")

    def precision_critico(self) -> float:
        sugeridos = [r for r in self.resultados if r.clase == "critico"]
        return _ratio(sum(r.caso.clase == "critico" for r in sugeridos), len(sugeridos))

    def errores(self) -> list[Resultado]:
        return [r for r in self.resultados if r.clase != r.caso.clase]

    def resumen(self) -> str:
        """One line for assertion messages."""
        return (
            f"n={self.n} exactitud={self.exactitud():.3f} tipo_caso={self.exactitud_tipo():.3f} "
            f"criticidad={self.exactitud_criticidad():.3f} "
            f"critico recall={self.recall_critico():.3f} precision={self.precision_critico():.3f}"
        )


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def cargar(path: Path = DATASET) -> list[Caso]:
    casos = []
    with path.open(encoding="utf-8") as fh:
        for numero, linea in enumerate(fh, start=1):
            if not linea.strip():
                continue
            fila = json.loads(linea)
            casos.append(
                Caso(
                    linea=numero,
                    texto=fila["texto"],
                    tipo_caso=fila["tipo_caso"],
                    criticidad=fila["criticidad"],
                )
            )
    return casos


def evaluar(casos: Sequence[Caso]) -> Informe:
    informe = Informe()
    for caso in casos:
        s = clasificar(caso.texto)
        reglas = tuple(dict.fromkeys(m.regla for m in s.razones))
        informe.resultados.append(Resultado(caso, s.tipo_caso, s.criticidad, reglas))
    return informe


@lru_cache(maxsize=1)
def informe_dataset() -> Informe:
    return evaluar(cargar())


def informe_texto(informe: Informe, errores: bool = True) -> str:
    cuenta = informe.cuenta()
    lineas = [
        f"Triage sobre {DATASET.relative_to(DATASET.parents[2])}: {informe.n} casos",
        "",
        f"{'clase':<12}{'casos':>7}{'aciertos':>10}{'exactitud':>11}",
    ]
    matriz = informe.matriz()
    for clase in CLASES:
        lineas.append(
            f"{clase:<12}{cuenta[clase]:>7}{matriz[clase, clase]:>10}"
            f"{informe.exactitud_clase(clase):>11.3f}"
        )
    lineas += [
        "",
        "tipo_caso: "
        + "  ".join(f"{t} {informe.exactitud_tipo(t):.3f}" for t in TIPOS)
        + f"  | global {informe.exactitud_tipo():.3f}",
        "criticidad (reclamos): "
        + "  ".join(f"{c} {informe.exactitud_criticidad(c):.3f}" for c in CRITICIDADES)
        + f"  | global {informe.exactitud_criticidad():.3f}",
        f"exactitud global (5 clases): {informe.exactitud():.3f}",
        f"critico: recall {informe.recall_critico():.3f}  precision {informe.precision_critico():.3f}",
        "",
        "matriz de confusión (filas: real, columnas: sugerida)",
        f"{'':<12}" + "".join(f"{c[:10]:>11}" for c in CLASES),
    ]
    for real in CLASES:
        lineas.append(f"{real:<12}" + "".join(f"{matriz[real, sug]:>11}" for sug in CLASES))
    if errores and informe.errores():
        lineas += ["", "errores (real -> sugerida  [reglas]  texto)"]
        for r in informe.errores():
            reglas = ",".join(r.reglas) or "sin señal"
            lineas.append(f"  {r.caso.clase} -> {r.clase}  [{reglas}]  {r.caso.texto}")
    return "\n".join(lineas)


def test_dataset_is_large_and_well_labelled() -> None:
    casos = cargar()
    assert len(casos) >= MIN_FILAS, f"{len(casos)} filas"
    for caso in casos:
        assert caso.texto.strip(), f"línea {caso.linea}: texto vacío"
        assert (caso.tipo_caso, caso.criticidad) in SEVERIDAD, (
            f"línea {caso.linea}: etiqueta inválida ({caso.tipo_caso}, {caso.criticidad})"
        )
    repetidos = [t for t, n in Counter(c.texto for c in casos).items() if n > 1]
    assert not repetidos, f"textos repetidos: {repetidos}"
    cuenta = Counter(c.clase for c in casos)
    assert cuenta["critico"] >= MIN_CRITICOS, dict(cuenta)
    assert all(cuenta[c] >= 30 for c in CLASES), dict(cuenta)


def test_dataset_rows_have_exactly_the_three_fields() -> None:
    for numero, linea in enumerate(DATASET.read_text(encoding="utf-8").splitlines(), start=1):
        assert set(json.loads(linea)) == {"texto", "tipo_caso", "criticidad"}, f"línea {numero}"


def test_report(capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print("\n" + informe_texto(informe_dataset()))


def test_critico_recall() -> None:
    informe = informe_dataset()
    perdidos = [r.caso.texto for r in informe.errores() if r.caso.clase == "critico"]
    assert informe.recall_critico() >= RECALL_CRITICO_MIN, (
        f"{informe.resumen()}; críticos no detectados: {perdidos}"
    )


def test_critico_precision() -> None:
    informe = informe_dataset()
    falsos = [r.caso.texto for r in informe.errores() if r.clase == "critico"]
    assert informe.precision_critico() >= PRECISION_CRITICO_MIN, (
        f"{informe.resumen()}; falsos críticos: {falsos}"
    )


def test_accuracy_floors() -> None:
    informe = informe_dataset()
    assert informe.exactitud() >= EXACTITUD_MIN, informe.resumen()
    assert informe.exactitud_tipo() >= TIPO_CASO_MIN, informe.resumen()
    assert informe.exactitud_criticidad() >= CRITICIDAD_MIN, informe.resumen()


@pytest.mark.parametrize("clase", CLASES)
def test_per_class_floor(clase: str) -> None:
    informe = informe_dataset()
    assert informe.exactitud_clase(clase) >= POR_CLASE_MIN[clase], (
        f"{clase}: {informe.exactitud_clase(clase):.3f}; {informe.resumen()}"
    )


if __name__ == "__main__":
    print(informe_texto(informe_dataset()))
