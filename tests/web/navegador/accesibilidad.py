"""In-browser accessibility checks: labelled controls, alt texts, WCAG AA text contrast, skip link."""

from __future__ import annotations

from playwright.sync_api import Page

_PROBLEMAS = """
() => {
  const problemas = [];
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
  };
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (["hidden", "submit", "button"].includes(el.type) || !visible(el)) continue;
    const nombre = el.labels?.length || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
    if (!nombre) problemas.push(`control sin etiqueta: ${el.outerHTML.slice(0, 80)}`);
  }
  for (const img of document.querySelectorAll("img")) {
    if (!img.hasAttribute("alt")) problemas.push(`imagen sin alt: ${img.src}`);
  }
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const fondo = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) return c;
    }
    return [255, 255, 255];
  };
  const vistos = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || !el || vistos.has(el) || !visible(el)) continue;
    if (el.closest("svg, .sr, .saltar, [aria-hidden=true]")) continue;
    vistos.add(el);
    const s = getComputedStyle(el);
    const texto = rgb(s.color), atras = fondo(el);
    const [a, b] = [lum(texto) + 0.05, lum(atras) + 0.05];
    const ratio = Math.max(a, b) / Math.min(a, b);
    const tam = parseFloat(s.fontSize), negrita = parseInt(s.fontWeight) >= 700;
    const minimo = tam >= 24 || (negrita && tam >= 18.66) ? 3 : 4.5;
    if (ratio < minimo) {
      problemas.push(`contraste ${ratio.toFixed(2)} < ${minimo}: "${el.textContent.trim().slice(0, 40)}" (${s.color} sobre rgb(${atras.slice(0, 3)}))`);
    }
  }
  return problemas;
}
"""


def problemas(page: Page) -> list[str]:
    """What an assistive-technology user or a low-vision reader would trip on in this page."""
    encontrados: list[str] = page.evaluate(_PROBLEMAS)
    return encontrados


def primer_tab_salta_al_contenido(page: Page) -> bool:
    page.locator("body").focus()
    page.keyboard.press("Tab")
    return bool(page.evaluate("document.activeElement?.classList.contains('saltar')"))
