"""Row builders of the demo seed: ids in time order, folded text, the hash chain, SLA clocks."""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import orjson

from vetanco.casos.historial import GENESIS, contenido_hash
from vetanco.casos.models import HistorialCaso
from vetanco.demo import datos
from vetanco.politicas import Politicas
from vetanco.sla.models import RelojCaso
from vetanco.text import fingerprint_folded, fold

ACTOR = "demo"
Agregar = Callable[[type[Any], dict[str, Any]], None]
Ids = Callable[[], uuid.UUID]
Vence = Callable[[datetime, float], datetime]
_VARIANTE_7 = (0x7 << 76) | (0b10 << 62)
_BAJOS = (1 << 62) - 1


def id_ordenado(rng: random.Random, momento: datetime) -> Ids:
    """UUIDs of version 7 at the case's creation instant: rows arrive in id order, so each index
    on an id or a caso_id grows at its end instead of splitting pages everywhere."""
    base = (int(momento.timestamp() * 1000) << 80) | _VARIANTE_7

    def siguiente() -> uuid.UUID:
        bits = rng.getrandbits(74)
        return uuid.UUID(int=base | ((bits >> 62) << 64) | (bits & _BAJOS))

    return siguiente


class Plegado:
    """fold() of a story, its search text and fingerprint, from the story's folded template:
    folding goes character by character, so the folded pieces make the folded whole."""

    def __init__(self) -> None:
        self._piezas: dict[str, str] = {}

    def pieza(self, texto: str) -> str:
        plegada = self._piezas.get(texto)
        if plegada is None:
            plegada = self._piezas[texto] = fold(texto)
        return plegada

    def historia(self, plantilla: str, **valores: Any) -> tuple[str, str, str]:
        """(the story, folded, its fingerprint)."""
        plegados = {clave: self.pieza(str(valor)) for clave, valor in valores.items()}
        plegada = self.pieza(plantilla).format(**plegados)
        return plantilla.format(**valores), plegada, fingerprint_folded(plegada)

    def busqueda(self, numero: str, historia: str, producto: str, lote: str) -> str:
        """casos.busqueda of a seeded case: number, story, product and lot, folded."""
        return f"{fold(numero)} {historia} {self.pieza(producto)} {self.pieza(lote)}"


class Historial:
    """A case's audit entries, each hashing the one before, as casos.historial writes them."""

    def __init__(self, agregar: Agregar, ids: Ids, caso_id: uuid.UUID) -> None:
        self.agregar, self.ids, self.caso_id = agregar, ids, caso_id
        self.anterior = GENESIS
        self.secuencia = 0

    def paso(self, cuando: datetime, accion: str, cambios: dict[str, Any]) -> None:
        self.secuencia += 1
        fila = {
            "id": self.ids(),
            "caso_id": self.caso_id,
            "secuencia": self.secuencia,
            "accion": accion,
            "actor": ACTOR,
            "colaborador_id": None,
            "cambios": cambios,
            "motivo": None,
            "created_at": cuando,
            "hash_anterior": self.anterior,
        }
        fila["hash"] = self.anterior = digest_simple(fila)
        self.agregar(HistorialCaso, fila)


def digest_simple(fila: dict[str, Any]) -> str:
    """casos.historial.digest through orjson (a fifth of the time): the same bytes for the
    seed's entries, whose changes are plain strings and None (json.dumps and orjson differ on
    some floats, so the service keeps json.dumps)."""
    payload = contenido_hash(fila)
    return hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()


def investigacion(
    rng: random.Random,
    id_: uuid.UUID,
    caso_id: uuid.UUID,
    colaboradores: list[uuid.UUID],
    *,
    inicio: datetime,
    fin: datetime | None,
) -> dict[str, Any]:
    return {
        "id": id_,
        "caso_id": caso_id,
        "investigador_id": rng.choice(colaboradores),
        "estado": "completada" if fin else "en_proceso",
        "fecha_inicio": inicio,
        "fecha_fin": fin,
        "hallazgos": "Se revisó la muestra de retención del lote.",
        "causa_raiz": rng.choice(datos.CAUSAS) if fin else None,
        "acciones_correctivas": "Reposición al cliente." if fin else None,
        "acciones_preventivas": "Refuerzo del control de despacho." if fin else None,
        "created_at": inicio,
        "updated_at": fin or inicio,
    }


def relojes(
    agregar: Agregar,
    ids: Ids,
    caso: dict[str, Any],
    *,
    cerrado: datetime | None,
    politicas: Politicas,
    vence: Vence,
) -> None:
    """First-response and resolution clocks, and the case's SLA columns that mirror them."""
    politica = caso["criticidad"] if caso["tipo_caso"] == "reclamo" else caso["tipo_caso"]
    objetivo = politicas.objetivos[politica]
    horas = {
        "primera_respuesta": objetivo.primera_respuesta_horas,
        "resolucion": objetivo.resolucion_dias * politicas.calendario.horas_por_dia,
    }
    riesgo = 1 - politicas.riesgo_fraccion
    filas = []
    for tipo, objetivo_horas in horas.items():
        cumplido = caso["primera_respuesta_at"] if tipo == "primera_respuesta" else cerrado
        reloj = {
            "id": ids(),
            "caso_id": caso["id"],
            "tipo": tipo,
            "politica": politica,
            "habiles": True,
            "objetivo_horas": objetivo_horas,
            "inicio": caso["created_at"],
            "vence": vence(caso["created_at"], objetivo_horas),
            "riesgo_desde": vence(caso["created_at"], objetivo_horas * riesgo),
            "pausa_horas": 0.0,
            "cumplido_at": cumplido,
            "created_at": caso["created_at"],
            "updated_at": cumplido or caso["created_at"],
        }
        agregar(RelojCaso, reloj)
        filas.append(reloj)
    en_curso = [r for r in filas if r["cumplido_at"] is None]
    caso["sla_vence"] = min((r["vence"] for r in en_curso), default=None)
    caso["sla_riesgo_desde"] = min((r["riesgo_desde"] for r in en_curso), default=None)
    caso["sla_incumplido"] = any(
        r["cumplido_at"] is not None and r["cumplido_at"] > r["vence"] for r in filas
    )
