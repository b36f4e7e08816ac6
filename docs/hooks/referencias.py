"""MkDocs hook: event, setting and CLI references generated from the code, so they cannot drift."""

# A page asks for a table with a marker line: <!-- generado:eventos|configuracion|cli -->.
# Events and settings need a Spanish description in datos_*.py; one without it fails the build,
# so the reference never silently omits something the code has.

from __future__ import annotations

import json
import re
from enum import Enum
from pathlib import Path
from typing import Any

from datos_configuracion import AJUSTES
from datos_eventos import CAMPOS, EVENTOS
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

MARCADOR = re.compile(r"^<!-- generado:(\w+) -->$", re.MULTILINE)


def _celda(texto: object) -> str:
    return str(texto).replace("|", "\\|").replace("\n", " ")


# --- events ------------------------------------------------------------------------------------


def eventos() -> str:
    from vetanco.webhooks.events import SUSCRIBIBLES, Evento

    en_codigo = {e.value for e in Evento}
    faltan, sobran = sorted(en_codigo - set(EVENTOS)), sorted(set(EVENTOS) - en_codigo)
    if faltan or sobran:
        raise PluginError(
            "docs/hooks/datos_eventos.py no coincide con vetanco.webhooks.events: "
            f"sin documentar {faltan}, inexistentes {sobran}"
        )
    partes = ["| Evento | Cuándo sale | Suscribible |", "|---|---|---|"]
    for evento in Evento:
        cuando = EVENTOS[evento.value]["cuando"]
        suscribible = "sí" if evento.value in SUSCRIBIBLES else "no (sólo `POST …/test`)"
        partes.append(f"| [`{evento.value}`](#{_ancla(evento.value)}) | {cuando} | {suscribible} |")
    for evento in Evento:
        info = EVENTOS[evento.value]
        data: dict[str, Any] = info["data"]
        sin_doc = sorted(k for k in data if k not in CAMPOS)
        if sin_doc:
            raise PluginError(f"datos_eventos.CAMPOS no describe {sin_doc} ({evento.value})")
        cuerpo = {"event": evento.value, "timestamp": info["timestamp"], "data": data}
        partes += [
            "",
            f"### `{evento.value}` {{#{_ancla(evento.value)}}}",
            "",
            info["cuando"] + (" " + info["nota"] if "nota" in info else ""),
            "",
            "| Campo de `data` | Significado |",
            "|---|---|",
            *(f"| `{k}` | {_celda(CAMPOS[k])} |" for k in data),
            "",
            "```json",
            json.dumps(cuerpo, ensure_ascii=False, indent=2),
            "```",
        ]
    return "\n".join(partes)


def _ancla(evento: str) -> str:
    return "evento-" + evento.replace(".", "-").replace("_", "-")


# --- settings ----------------------------------------------------------------------------------


def _por_defecto(valor: Any) -> str:
    if valor is None:
        return "sin definir"
    if isinstance(valor, bool):
        return f"`{str(valor).lower()}`"
    if isinstance(valor, Enum):
        return f"`{valor.value}`"
    if isinstance(valor, dict):
        plano = {k: v.model_dump() if hasattr(v, "model_dump") else v for k, v in valor.items()}
        return f"`{json.dumps(plano, ensure_ascii=False)}`"
    if isinstance(valor, Path):
        return f"`{valor.as_posix() if valor.is_absolute() else './' + valor.as_posix()}`"
    if valor == "":
        return "vacío"
    return f"`{valor}`"


def configuracion() -> str:
    from vetanco.config import Settings

    partes = ["| Variable | Por defecto | Para qué |", "|---|---|---|"]
    sin_doc = []
    for nombre, campo in Settings.model_fields.items():
        ajuste = AJUSTES.get(nombre, {})
        texto = ajuste.get("texto") or campo.description
        if not texto:
            sin_doc.append(nombre)
            continue
        if "defecto" in ajuste:
            defecto = ajuste["defecto"]
        else:
            defecto = _por_defecto(campo.get_default(call_default_factory=True))
        variable = f"VETANCO_{nombre.upper()}"
        partes.append(f"| `{variable}`{{#{variable.lower()}}} | {defecto} | {_celda(texto)} |")
    if sin_doc:
        raise PluginError(
            "Ajustes sin descripción (agregalos a docs/hooks/datos_configuracion.py o poneles "
            f"Field(description=…)): {', '.join(sin_doc)}"
        )
    return "\n".join(partes)


# --- CLI ---------------------------------------------------------------------------------------


def _comandos(grupo: Any, ruta: list[str]) -> list[tuple[list[str], Any]]:
    fuera: list[tuple[list[str], Any]] = []
    for nombre, sub in grupo.commands.items():
        if getattr(sub, "hidden", False):
            continue
        if hasattr(sub, "commands"):
            fuera += _comandos(sub, [*ruta, nombre])
        else:
            fuera.append(([*ruta, nombre], sub))
    return fuera


def _opcion(param: Any) -> tuple[str, str, str]:
    opts = list(param.opts) + list(getattr(param, "secondary_opts", []) or [])
    es_argumento = not any(o.startswith("-") for o in opts)
    nombre = param.name.upper() if es_argumento else " / ".join(opts)
    ayuda = param.help or ""
    desc = getattr(param, "type_descriptor", None)
    if desc is not None and getattr(desc, "is_choice", False):
        valores = [getattr(c, "value", c) for c in desc.choices or ()]
        ayuda = (ayuda + " " if ayuda else "") + "(" + " | ".join(f"`{v}`" for v in valores) + ")"
    if getattr(param, "multiple", False) and "repetible" not in ayuda.lower():
        ayuda += " (repetible)"
    if param.required:
        defecto = "obligatorio"
    elif param.default is None or (param.default is False and getattr(param, "is_flag", False)):
        defecto = ""
    else:
        defecto = _por_defecto(
            param.default.value if isinstance(param.default, Enum) else param.default
        )
    return f"`{nombre}`", _celda(ayuda), defecto


def cli() -> str:
    import typer.main

    from vetanco.cli import app

    raiz = typer.main.get_command(app)
    partes: list[str] = []
    grupo_actual = None
    for ruta, comando in _comandos(raiz, ["vetanco"]):
        if len(ruta) > 2 and ruta[1] != grupo_actual:
            grupo_actual = ruta[1]
            ayuda_grupo = raiz.commands[ruta[1]].help or ""
            partes += ["", f"## `vetanco {ruta[1]}` — {ayuda_grupo}"]
        elif len(ruta) == 2:
            grupo_actual = None
        nivel = "###" if len(ruta) > 2 else "##"
        ayuda = (comando.help or "").strip().split("\n\n")[0].replace("\n", " ")
        partes += ["", f"{nivel} `{' '.join(ruta)}`", "", ayuda, ""]
        params = [p for p in comando.params if not getattr(p, "hidden", False)]
        if params:
            partes += ["| Parámetro | Descripción | Por defecto |", "|---|---|---|"]
            partes += ["| " + " | ".join(_opcion(p)) + " |" for p in params]
    return "\n".join(partes).strip()


GENERADORES = {"eventos": eventos, "configuracion": configuracion, "cli": cli}


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    def reemplazar(m: re.Match[str]) -> str:
        generador = GENERADORES.get(m.group(1))
        if generador is None:
            raise PluginError(f"{page.file.src_path}: marcador desconocido {m.group(0)}")
        return generador()

    return MARCADOR.sub(reemplazar, markdown)
