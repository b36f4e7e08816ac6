"""SVG chart builders: proportional geometry, the empty state, escaping and accessibility."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from vetanco.web import graficos as g

SVG = "{http://www.w3.org/2000/svg}"


def _xml(grafico: g.Grafico) -> ET.Element:
    return ET.fromstring(str(grafico.svg))  # noqa: S314 - our own output


def _anchos(grafico: g.Grafico) -> dict[str, float]:
    raiz = _xml(grafico)
    return {
        b.attrib["data-etiqueta"]: float(r.attrib["width"])
        for b in raiz.iter(f"{SVG}g")
        if b.attrib.get("class") == "barra"
        for r in b.iter(f"{SVG}rect")
        if r.attrib.get("class") == "valor"
    }


def test_numero_a_la_argentina() -> None:
    assert g.numero(1234567) == "1.234.567"
    assert g.numero(12.5, 1) == "12,5"
    assert g.numero(None) == "—"


def test_barras_horizontales_proporcionales() -> None:
    grafico = g.barras_horizontales(
        id="g-x",
        titulo="Por criticidad",
        barras=[g.Barra("Crítico", 1), g.Barra("Mayor", 2), g.Barra("Menor", 4)],
        columnas=("Criticidad", "Casos"),
    )
    anchos = _anchos(grafico)
    assert anchos["Menor"] == pytest.approx(2 * anchos["Mayor"], abs=0.01)
    assert anchos["Menor"] == pytest.approx(4 * anchos["Crítico"], abs=0.01)
    assert anchos["Menor"] == g.AREA
    assert grafico.filas == [("Crítico", "1"), ("Mayor", "2"), ("Menor", "4")]
    assert not grafico.vacio


def test_svg_accesible_y_responsivo() -> None:
    grafico = g.barras_horizontales(
        id="g-x", titulo="Por estado", barras=[g.Barra("Nuevo", 3), g.Barra("Cerrado", 0)]
    )
    raiz = _xml(grafico)
    assert raiz.attrib["role"] == "img"
    assert raiz.attrib["viewBox"].startswith(f"0 0 {g.ANCHO_BARRAS} ")
    assert "width" not in raiz.attrib
    assert raiz.attrib["aria-labelledby"] == "g-x-t g-x-d"
    assert raiz.find(f"{SVG}title").text == "Por estado"  # type: ignore[union-attr]
    desc = raiz.find(f"{SVG}desc").text or ""  # type: ignore[union-attr]
    assert "Nuevo: 3" in desc
    assert "Cerrado: 0" in desc
    assert _anchos(grafico)["Cerrado"] == 0


def test_objetivo_marcado_en_la_misma_escala() -> None:
    grafico = g.barras_horizontales(
        id="g-r",
        titulo="Resolución",
        barras=[
            g.Barra("Crítico", 60, texto="60 h", objetivo=120, texto_objetivo="5 días hábiles"),
            g.Barra("Mayor", None, texto="sin resueltos", objetivo=360),
        ],
        columnas=("Criticidad", "Promedio", "Objetivo"),
    )
    raiz = _xml(grafico)
    marcas = [line for line in raiz.iter(f"{SVG}line") if line.attrib.get("class") == "objetivo"]
    assert [float(m.attrib["data-valor"]) for m in marcas] == [120, 360]
    assert float(marcas[1].attrib["x1"]) == g.AREA
    assert float(marcas[0].attrib["x1"]) == pytest.approx(g.AREA / 3, abs=0.01)
    assert _anchos(grafico)["Crítico"] == pytest.approx(g.AREA / 6, abs=0.01)
    assert grafico.filas[0] == ("Crítico", "60 h", "5 días hábiles")
    assert grafico.filas[1] == ("Mayor", "sin resueltos", "—")


def test_sin_datos_cuando_todo_es_cero_o_vacio() -> None:
    for barras in ([], [g.Barra("Crítico", 0), g.Barra("Mayor", None)]):
        grafico = g.barras_horizontales(id="g-v", titulo="Por criticidad", barras=barras)
        assert grafico.vacio
        assert g.SIN_DATOS in grafico.svg
        assert "sin datos" in grafico.resumen
        assert _xml(grafico).attrib["role"] == "img"
        assert "<rect" not in grafico.svg
        assert not grafico.filas
    apiladas = g.barras_apiladas(
        id="g-t", titulo="En el tiempo", categorias=["01/03", "02/03"], series=[]
    )
    assert apiladas.vacio
    assert g.SIN_DATOS in apiladas.svg
    ceros = g.barras_apiladas(
        id="g-t",
        titulo="En el tiempo",
        categorias=["01/03"],
        series=[g.Serie("Reclamo", g.AZUL, [0])],
    )
    assert ceros.vacio


def test_escapa_nombres_de_productos() -> None:
    nombre = 'Vacuna <script>alert("x")</script> & Cía'
    grafico = g.barras_horizontales(id="g-p", titulo="Productos", barras=[g.Barra(nombre, 2)])
    svg = str(grafico.svg)
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "&amp; Cía" in svg
    raiz = _xml(grafico)
    barra = next(b for b in raiz.iter(f"{SVG}g") if b.attrib.get("class") == "barra")
    assert barra.attrib["data-etiqueta"] == nombre
    assert nombre in grafico.resumen
    apiladas = g.barras_apiladas(
        id="g-t",
        titulo="T",
        categorias=["<a>"],
        series=[g.Serie("A&B <i>", g.AZUL, [1])],
    )
    assert "<i>" not in str(apiladas.svg)
    assert "<a>" not in str(apiladas.svg)
    ET.fromstring(str(apiladas.svg))  # noqa: S314 - well-formed after escaping


def test_etiquetas_largas_se_acortan_con_el_nombre_completo_en_el_titulo() -> None:
    nombre = "Vetancilina Retard Suspensión Inyectable Larga Acción 250 ml"
    grafico = g.barras_horizontales(id="g-p", titulo="Productos", barras=[g.Barra(nombre, 2)])
    textos = [(t.text or "").removesuffix(": ") for t in _xml(grafico).iter(f"{SVG}text")]
    assert any(t.endswith("…") and len(t) <= g.LARGO_ETIQUETA for t in textos)
    assert f"<title>{nombre}: 2</title>" in grafico.svg
    assert grafico.filas == [(nombre, "2")]


def test_barras_apiladas_proporcionales() -> None:
    grafico = g.barras_apiladas(
        id="g-t",
        titulo="Casos por día",
        categorias=["01/03/2024", "02/03/2024", "03/03/2024"],
        series=[
            g.Serie("Reclamo", g.AZUL, [2, 0, 4]),
            g.Serie("Queja", g.NARANJA, [2, 1, 0]),
        ],
    )
    rects = [r for r in _xml(grafico).iter(f"{SVG}rect") if "data-serie" in r.attrib]
    altos = {
        (r.attrib["data-categoria"], r.attrib["data-serie"]): float(r.attrib["height"])
        for r in rects
    }
    assert ("02/03/2024", "Reclamo") not in altos
    unidad = altos[("02/03/2024", "Queja")]
    assert altos[("01/03/2024", "Reclamo")] == pytest.approx(2 * unidad, abs=0.01)
    assert altos[("01/03/2024", "Queja")] == pytest.approx(2 * unidad, abs=0.01)
    assert altos[("03/03/2024", "Reclamo")] == pytest.approx(4 * unidad, abs=0.01)
    primero = [r for r in rects if r.attrib["data-categoria"] == "01/03/2024"]
    apilado = float(primero[1].attrib["y"]) + 2 * unidad
    assert apilado == pytest.approx(float(primero[0].attrib["y"]), abs=0.02)
    assert grafico.columnas == ("Período", "Reclamo", "Queja", "Total")
    assert grafico.filas[0] == ("01/03/2024", "2", "2", "4")
    assert "el máximo, 4, en 01/03/2024" in grafico.resumen
    assert grafico.leyenda == (("Reclamo", g.AZUL), ("Queja", g.NARANJA))


def test_colores_con_contraste_aa() -> None:
    def luminancia(color: str) -> float:
        canales = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lineales = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in canales]
        return 0.2126 * lineales[0] + 0.7152 * lineales[1] + 0.0722 * lineales[2]

    for color in (g.AZUL, g.ROJO, g.NARANJA, g.OLIVA, g.VERDE, g.GRIS, g.VIOLETA, g.TINTA):
        assert re.fullmatch(r"#[0-9a-f]{6}", color)
        assert 1.05 / (luminancia(color) + 0.05) >= 4.5, color
