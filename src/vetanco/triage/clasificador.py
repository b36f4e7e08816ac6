"""Rule-based triage of a complaint text: the class it points to and the phrases that say so."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

from vetanco.text import fold

_TOKEN = re.compile(r"[a-z0-9]+")
_CLAUSE = re.compile(r"[.;:!?¡¿,\n()]+")
FUZZY_MIN = 7
GAP = 3
SEVERIDAD = (
    ("reclamo", "critico"),
    ("reclamo", "mayor"),
    ("reclamo", "menor"),
    ("queja", None),
    ("comentario", None),
)
SIN_SENAL = 0.3


class ReglasInvalidas(ValueError):
    """The rule file is the quality team's; a mistake in it must say where."""


@dataclass(frozen=True, slots=True)
class Parte:
    kind: str  # exact | prefix | any | gap
    text: str = ""


@dataclass(frozen=True, slots=True)
class Patron:
    texto: str
    partes: tuple[Parte, ...]
    negativo: bool


@dataclass(frozen=True, slots=True)
class Regla:
    id: str
    tipo_caso: str
    criticidad: str | None
    peso: float
    evento_adverso: bool
    grave: bool
    patrones: tuple[Patron, ...]
    regex: tuple[re.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class Reglas:
    version: str
    negadores: frozenset[str]
    ventana: int
    cortes: frozenset[str]
    reglas: tuple[Regla, ...]


@dataclass(frozen=True, slots=True)
class Coincidencia:
    regla: str
    patron: str
    frase: str
    tipo_caso: str
    criticidad: str | None
    peso: float
    evento_adverso: bool
    grave: bool
    inicio: int
    fin: int
    negada: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "regla": self.regla,
            "frase": self.frase,
            "patron": self.patron,
            "tipo_caso": self.tipo_caso,
            "criticidad": self.criticidad,
            "peso": self.peso,
        }


@dataclass(frozen=True, slots=True)
class Sugerencia:
    tipo_caso: str
    criticidad: str | None
    confianza: float
    evento_adverso: bool
    grave: bool
    version: str
    razones: list[Coincidencia] = field(default_factory=list)
    descartadas: list[Coincidencia] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    clausula: int


def _parse_patron(texto: str, negadores: frozenset[str]) -> Patron:
    partes: list[Parte] = []
    for word in fold(texto).split():
        if word == "*":
            partes.append(Parte("any"))
        elif word == "~":
            partes.append(Parte("gap"))
        elif word.endswith("*"):
            partes.append(Parte("prefix", word.rstrip("*")))
        else:
            partes.append(Parte("exact", word))
    if not partes or partes[0].kind in ("any", "gap") or partes[-1].kind in ("any", "gap"):
        raise ReglasInvalidas(f"frase inválida: {texto!r}")
    return Patron(texto=texto, partes=tuple(partes), negativo=partes[0].text in negadores)


def _parse(data: dict[str, Any]) -> Reglas:
    neg = data.get("negacion", {})
    negadores = frozenset(fold(w) for w in neg.get("palabras", []))
    reglas = []
    for raw in data.get("regla", []):
        try:
            rid = str(raw["id"])
            tipo = str(raw["tipo_caso"])
            crit = raw.get("criticidad")
            if (tipo, crit) not in SEVERIDAD:
                raise ReglasInvalidas(
                    f"regla {rid}: tipo_caso/criticidad inválidos ({tipo}, {crit})"
                )
            peso = float(raw["peso"])
            if not 0 < peso <= 1:
                raise ReglasInvalidas(f"regla {rid}: peso debe estar entre 0 y 1")
            reglas.append(
                Regla(
                    id=rid,
                    tipo_caso=tipo,
                    criticidad=crit,
                    peso=peso,
                    evento_adverso=bool(raw.get("evento_adverso", False)),
                    grave=bool(raw.get("grave", False)),
                    patrones=tuple(_parse_patron(f, negadores) for f in raw.get("frases", [])),
                    regex=tuple(re.compile(r) for r in raw.get("regex", [])),
                )
            )
        except (KeyError, TypeError, re.error) as exc:
            raise ReglasInvalidas(f"regla {raw.get('id', '?')}: {exc}") from exc
    return Reglas(
        version=str(data.get("version", "sin-version")),
        negadores=negadores,
        ventana=int(neg.get("ventana", 3)),
        cortes=frozenset(fold(w) for w in neg.get("cortes", [])),
        reglas=tuple(reglas),
    )


@lru_cache(maxsize=8)
def cargar_reglas(path: Path | None = None) -> Reglas:
    """Reads the rule file once per process; the packaged Spanish file is the default."""
    if path is None:
        raw = resources.files("vetanco.triage").joinpath("reglas.toml").read_bytes()
    else:
        raw = Path(path).read_bytes()
    try:
        return _parse(tomllib.loads(raw.decode("utf-8")))
    except tomllib.TOMLDecodeError as exc:
        raise ReglasInvalidas(f"{path or 'reglas.toml'}: {exc}") from exc


def _tokens(texto: str, cortes: frozenset[str]) -> list[_Token]:
    tokens: list[_Token] = []
    clausula = 0
    for parte in _CLAUSE.split(fold(texto)):
        clausula += 1
        for word in _TOKEN.findall(parte):
            if word in cortes:
                clausula += 1
            tokens.append(_Token(word, clausula))
    return tokens


def _word_matches(parte: Parte, token: str) -> bool:
    target = parte.text
    if parte.kind == "exact":
        if token == target:
            return True
        return len(target) >= FUZZY_MIN and Levenshtein.distance(token, target, score_cutoff=1) <= 1
    if token.startswith(target):
        return True
    if len(target) < FUZZY_MIN or len(token) < len(target) - 1:
        return False
    n = len(target)
    return any(
        Levenshtein.distance(token[:k], target, score_cutoff=1) <= 1 for k in (n - 1, n, n + 1)
    )


def _match_from(partes: Sequence[Parte], tokens: list[_Token], i: int) -> int | None:
    """End index (exclusive) of a match of partes starting at token i, or None."""
    if not partes:
        return i
    head, rest = partes[0], partes[1:]
    if head.kind == "gap":
        for skip in range(GAP + 1):
            end = _match_from(rest, tokens, i + skip)
            if end is not None:
                return end
        return None
    if i >= len(tokens):
        return None
    if head.kind != "any" and not _word_matches(head, tokens[i].text):
        return None
    return _match_from(rest, tokens, i + 1)


def _negada(tokens: list[_Token], inicio: int, reglas: Reglas) -> bool:
    clausula = tokens[inicio].clausula
    for j in range(max(0, inicio - reglas.ventana), inicio):
        if tokens[j].clausula == clausula and tokens[j].text in reglas.negadores:
            return True
    return False


class _Inicios:
    """Where a pattern can start: only at tokens its first word matches. Almost every pattern
    fails there and patterns share first words, so each distinct first word is compared with
    the text's distinct words once, not with every token once per pattern (the triage was
    ~40 % of creating a case: 26.6 → 2–3 ms per text)."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.todos = range(len(tokens))
        self.posiciones: dict[str, list[int]] = {}
        self.prefijos: dict[str, list[int]] = {}
        for i, token in enumerate(tokens):
            self.posiciones.setdefault(token.text, []).append(i)
            for n in range(1, len(token.text) + 1):
                self.prefijos.setdefault(token.text[:n], []).append(i)
        self.memo: dict[Parte, Sequence[int]] = {}

    def de(self, partes: Sequence[Parte]) -> Sequence[int]:
        if not partes or partes[0].kind in ("any", "gap"):
            return self.todos
        head = partes[0]
        inicios = self.memo.get(head)
        if inicios is None:
            if len(head.text) < FUZZY_MIN:
                # too short for the fuzzy comparison: the word itself, or words it begins
                exactas = self.posiciones if head.kind == "exact" else self.prefijos
                inicios = exactas.get(head.text, [])
            else:
                inicios = sorted(
                    i
                    for palabra, lugares in self.posiciones.items()
                    if _word_matches(head, palabra)
                    for i in lugares
                )
            self.memo[head] = inicios
        return inicios


def _coincidencias(texto: str, reglas: Reglas) -> Iterator[Coincidencia]:
    tokens = _tokens(texto, reglas.cortes)
    folded = fold(texto)
    inicios = _Inicios(tokens)
    for regla in reglas.reglas:
        for patron in regla.patrones:
            for i in inicios.de(patron.partes):
                end = _match_from(patron.partes, tokens, i)
                if end is None:
                    continue
                yield Coincidencia(
                    regla=regla.id,
                    patron=patron.texto,
                    frase=" ".join(t.text for t in tokens[i:end]),
                    tipo_caso=regla.tipo_caso,
                    criticidad=regla.criticidad,
                    peso=regla.peso,
                    evento_adverso=regla.evento_adverso,
                    grave=regla.grave,
                    inicio=i,
                    fin=end,
                    negada=not patron.negativo and _negada(tokens, i, reglas),
                )
        for rx in regla.regex:
            found = rx.search(folded)
            if found:
                yield Coincidencia(
                    regla=regla.id,
                    patron=rx.pattern,
                    frase=found.group(0),
                    tipo_caso=regla.tipo_caso,
                    criticidad=regla.criticidad,
                    peso=regla.peso,
                    evento_adverso=regla.evento_adverso,
                    grave=regla.grave,
                    inicio=-1,
                    fin=-1,
                )


def _sin_solapar(matches: list[Coincidencia]) -> list[Coincidencia]:
    """A phrase inside a longer phrase of another rule ('rota' in 'caja rota') yields to it."""
    kept = []
    for m in matches:
        inside = any(
            o is not m
            and o.inicio <= m.inicio
            and m.fin <= o.fin
            and (o.fin - o.inicio) > (m.fin - m.inicio)
            for o in matches
            if o.inicio >= 0
        )
        if not inside or m.inicio < 0:
            kept.append(m)
    return kept


def _combinar(pesos: list[float]) -> float:
    restante = 1.0
    for p in pesos:
        restante *= 1 - p
    return 1 - restante


def clasificar(texto: str, reglas: Reglas | None = None) -> Sugerencia:
    """Severity decides: the most serious class any non-negated phrase points to wins."""
    reglas = reglas or cargar_reglas()
    todas = _sin_solapar(list(_coincidencias(texto, reglas)))
    vistas: set[tuple[str, str]] = set()
    activas: list[Coincidencia] = []
    for m in todas:
        if not m.negada and (m.regla, m.frase) not in vistas:
            vistas.add((m.regla, m.frase))
            activas.append(m)
    descartadas = [m for m in todas if m.negada]
    clases = {(m.tipo_caso, m.criticidad) for m in activas}
    for tipo, crit in SEVERIDAD:
        if (tipo, crit) in clases:
            elegidas = [m for m in activas if (m.tipo_caso, m.criticidad) == (tipo, crit)]
            confianza = _combinar([m.peso for m in elegidas])
            if len(clases) > 1 and crit != "critico":
                confianza *= 0.9
            return Sugerencia(
                tipo_caso=tipo,
                criticidad=crit,
                confianza=round(min(confianza, 0.99), 3),
                evento_adverso=any(m.evento_adverso for m in activas),
                grave=any(m.grave for m in activas),
                version=reglas.version,
                razones=activas,
                descartadas=descartadas,
            )
    return Sugerencia(
        tipo_caso="comentario",
        criticidad=None,
        confianza=SIN_SENAL,
        evento_adverso=False,
        grave=False,
        version=reglas.version,
        razones=[],
        descartadas=descartadas,
    )
