"""Server-side SVG charts: pure functions from figures to accessible, responsive markup.

No JavaScript: each chart is an `<svg role="img">` with a `<title>`/`<desc>` that summarise it,
a viewBox so it scales to any screen, and the same figures as table rows for a data table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

# Every colour reaches at least 4.5:1 on white (WCAG AA for text, well over 3:1 for shapes).
AZUL = "#1d4e89"
ROJO = "#a4161a"
NARANJA = "#9a4d00"
OLIVA = "#4a5a00"
VERDE = "#166534"
GRIS = "#4b5563"
VIOLETA = "#6b21a8"
TINTA = "#1f2937"
GUIA = "#d1d5db"

PISTA = "#eef0f3"

ANCHO = 560
ANCHO_BARRAS = 400
AREA = ANCHO_BARRAS - 8
FILA = 46
BARRA = 18
LARGO_ETIQUETA = 40
SIN_DATOS = "Sin datos"


@dataclass(frozen=True, slots=True)
class Barra:
    """One bar; `texto` is how its value reads, `objetivo` draws a target marker."""

    etiqueta: str
    valor: float | None
    color: str = AZUL
    texto: str | None = None
    objetivo: float | None = None
    texto_objetivo: str | None = None


@dataclass(frozen=True, slots=True)
class Serie:
    """One stacked layer: a name for the legend, its colour and a value per category."""

    nombre: str
    color: str
    valores: Sequence[float]


@dataclass(frozen=True, slots=True)
class Grafico:
    """What a template needs: the SVG, its title and summary, and the data as a table."""

    id: str
    titulo: str
    resumen: str
    svg: Markup
    columnas: tuple[str, ...] = ()
    filas: list[tuple[str, ...]] = field(default_factory=list)
    leyenda: tuple[tuple[str, str], ...] = ()

    @property
    def vacio(self) -> bool:
        return not self.filas


def numero(valor: float | None, decimales: int = 0) -> str:
    """Argentine style: 1.234,5 — the way the team writes numbers."""
    if valor is None:
        return "—"
    texto = f"{valor:,.{decimales}f}"
    return texto.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _crudo(valor: float) -> str:
    """Machine-readable value for data-* attributes (tests and scrapers compare with the API)."""
    return str(int(valor)) if float(valor).is_integer() else f"{valor:.10g}"


def _n(valor: float) -> str:
    return f"{valor:.2f}".rstrip("0").rstrip(".")


def _corto(texto: str, largo: int = LARGO_ETIQUETA) -> str:
    return texto if len(texto) <= largo else texto[: largo - 1].rstrip() + "…"


def _svg(
    id_: str, titulo: str, resumen: str, alto: float, cuerpo: list[str], ancho: int = ANCHO
) -> Markup:
    cabecera = (
        f'<svg class="grafico" id="{escape(id_)}" role="img" viewBox="0 0 {ancho} {_n(alto)}" '
        f'preserveAspectRatio="xMinYMin meet" aria-labelledby="{escape(id_)}-t {escape(id_)}-d" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{escape(id_)}-t">{escape(titulo)}</title>'
        f'<desc id="{escape(id_)}-d">{escape(resumen)}</desc>'
    )
    # Every interpolated string above and in `cuerpo` went through escape().
    return Markup(cabecera + "".join(cuerpo) + "</svg>")  # noqa: S704


def sin_datos(
    *, id: str, titulo: str, columnas: tuple[str, ...] = (), ancho: int = ANCHO
) -> Grafico:
    """The empty state: a chart-sized placeholder that says so, to eyes and to screen readers."""
    resumen = f"{titulo}: sin datos para el período."
    cuerpo = [
        f'<text class="sin-datos" x="{ancho / 2:g}" y="34" text-anchor="middle">{SIN_DATOS}</text>'
    ]
    svg = _svg(id, titulo, resumen, 56, cuerpo, ancho)
    return Grafico(id, titulo, resumen, svg, columnas, [])


def barras_horizontales(
    *,
    id: str,
    titulo: str,
    barras: Sequence[Barra],
    columnas: tuple[str, ...] = ("", "Valor"),
) -> Grafico:
    """Horizontal bars, length proportional to the value, label and value above each bar.

    Labels sit on their own line so long product names fit and text can grow on small screens;
    a target (`objetivo`) is a dashed marker on the same scale as the bars.
    """
    if not any(b.valor for b in barras):
        return sin_datos(id=id, titulo=titulo, columnas=columnas, ancho=ANCHO_BARRAS)
    con_objetivo = any(b.objetivo is not None for b in barras)
    escala = max([b.valor or 0 for b in barras] + [b.objetivo or 0 for b in barras])
    cuerpo: list[str] = []
    filas: list[tuple[str, ...]] = []
    for i, b in enumerate(barras):
        y = 4 + i * FILA
        texto = b.texto if b.texto is not None else numero(b.valor)
        ancho = (b.valor or 0) / escala * AREA
        nombre = escape(b.etiqueta)
        cuerpo.append(
            f'<g class="barra" data-etiqueta="{nombre}" data-valor="{_crudo(b.valor or 0)}">'
            f"<title>{nombre}: {escape(texto)}</title>"
            f'<text x="0" y="{y + 14}">{escape(_corto(b.etiqueta))}: '
            f'<tspan font-weight="700">{escape(texto)}</tspan></text>'
            f'<rect x="0" y="{y + 22}" width="{AREA}" height="{BARRA}" fill="{PISTA}"/>'
            f'<rect class="valor" x="0" y="{y + 22}" width="{_n(ancho)}" height="{BARRA}" '
            f'fill="{escape(b.color)}"/>'
        )
        if b.objetivo is not None:
            x = b.objetivo / escala * AREA
            cuerpo.append(
                f'<line class="objetivo" data-valor="{_crudo(b.objetivo)}" x1="{_n(x)}" '
                f'y1="{y + 18}" x2="{_n(x)}" y2="{y + 22 + BARRA + 4}" stroke="{TINTA}" '
                f'stroke-width="3" stroke-dasharray="4 2"/>'
            )
        cuerpo.append("</g>")
        fila = (b.etiqueta, texto)
        filas.append((*fila, b.texto_objetivo or "—") if con_objetivo else fila)
    resumen = f"{titulo}. " + "; ".join(_leer(b) for b in barras) + "."
    svg = _svg(id, titulo, resumen, 4 + len(barras) * FILA, cuerpo, ANCHO_BARRAS)
    return Grafico(id, titulo, resumen, svg, columnas, filas)


def _leer(b: Barra) -> str:
    texto = b.texto if b.texto is not None else numero(b.valor)
    objetivo = f" (objetivo {b.texto_objetivo})" if b.texto_objetivo else ""
    return f"{b.etiqueta}: {texto}{objetivo}"


def _tope(maximo: float) -> tuple[float, float]:
    """A round axis end and its step (1, 2 or 5 times a power of ten), so gridlines read well."""
    crudo = max(maximo, 1) / 4
    base = 10 ** math.floor(math.log10(crudo))
    paso = next(m * base for m in (1, 2, 5, 10) if m * base >= crudo)
    paso = max(paso, 1)
    return math.ceil(maximo / paso) * paso, paso


def barras_apiladas(
    *,
    id: str,
    titulo: str,
    categorias: Sequence[str],
    cortas: Sequence[str] | None = None,
    series: Sequence[Serie],
    primera_columna: str = "Período",
) -> Grafico:
    """Vertical stacked bars, one per category; each segment's height is proportional to its value."""
    columnas = (primera_columna, *(s.nombre for s in series), "Total")
    totales = [sum(s.valores[i] for s in series) for i in range(len(categorias))]
    if not any(totales):
        return sin_datos(id=id, titulo=titulo, columnas=columnas)
    cortas = cortas or categorias
    izquierda, arriba, alto_area, abajo = 64, 12, 220, 34
    area = ANCHO - izquierda - 8
    tope, paso = _tope(max(totales))
    cuerpo: list[str] = []
    marca = 0.0
    while marca <= tope:
        y = arriba + alto_area - marca / tope * alto_area
        cuerpo.append(
            f'<line x1="{izquierda}" y1="{_n(y)}" x2="{ANCHO - 8}" y2="{_n(y)}" stroke="{GUIA}"/>'
            f'<text x="{izquierda - 6}" y="{_n(y + 4)}" text-anchor="end">{numero(marca)}</text>'
        )
        marca += paso
    hueco = area / len(categorias)
    ancho = max(hueco * 0.7, 1)
    cada = math.ceil(len(categorias) / 8)
    for i, (categoria, corta) in enumerate(zip(categorias, cortas, strict=True)):
        x0 = izquierda + i * hueco + (hueco - ancho) / 2
        base = float(arriba + alto_area)
        for s in series:
            valor = s.valores[i]
            if not valor:
                continue
            alto = valor / tope * alto_area
            base -= alto
            cuerpo.append(
                f'<rect data-serie="{escape(s.nombre)}" data-categoria="{escape(categoria)}" '
                f'data-valor="{_crudo(valor)}" x="{_n(x0)}" y="{_n(base)}" width="{_n(ancho)}" '
                f'height="{_n(alto)}" fill="{escape(s.color)}" stroke="#fff" stroke-width="1">'
                f"<title>{escape(categoria)} · {escape(s.nombre)}: {numero(valor)}</title></rect>"
            )
        if i % cada == 0:
            cuerpo.append(
                f'<text x="{_n(x0 + ancho / 2)}" y="{arriba + alto_area + 24}" '
                f'text-anchor="middle">{escape(corta)}</text>'
            )
    filas = [
        (c, *(numero(s.valores[i]) for s in series), numero(totales[i]))
        for i, c in enumerate(categorias)
    ]
    pico = max(range(len(totales)), key=totales.__getitem__)
    por_serie = ", ".join(f"{s.nombre} {numero(sum(s.valores))}" for s in series)
    resumen = (
        f"{titulo}: {numero(sum(totales))} en {len(categorias)} períodos ({por_serie}); "
        f"el máximo, {numero(totales[pico])}, en {categorias[pico]}."
    )
    svg = _svg(id, titulo, resumen, arriba + alto_area + abajo, cuerpo)
    leyenda = tuple((s.nombre, s.color) for s in series)
    return Grafico(id, titulo, resumen, svg, columnas, filas, leyenda)
