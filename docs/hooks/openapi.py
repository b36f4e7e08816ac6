"""MkDocs hook: the API reference comes from the app's own OpenAPI, generated at build time."""

from __future__ import annotations

import html
import json
import re
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from openapidocs.mk.texts import Texts
from openapidocs.mk.v3 import OpenAPIV3DocumentationHandler

TAG = "[OAD(openapi.json)]"
PUBLISHED = "api/openapi.json"

_spec: dict[str, Any] = {}
_CODE = re.compile(r"`([^`]+)`")


class TextosEs(Texts):
    """The renderer's labels in Spanish, like the rest of the site (the OAD plugin only speaks English)."""

    contact = "Contacto"
    license = "Licencia"
    content = "Contenido"
    content_type = "Tipo de contenido"
    email = "Email"
    example = "Ejemplo"
    status_code = "Código"
    name = "Nombre"
    description = "Descripción"
    links = "Enlaces"
    parameter = "Parámetro"
    parameters = "Parámetros"
    parameter_location = "En"
    responses = "Respuestas"
    query = "Query"
    type = "Tipo"
    default = "Por defecto"
    nullable = "Admite null"
    request_body = "Cuerpo de la petición"
    no_parameters = "Sin parámetros"
    schema = "Esquema"
    schema_of_the_request_body = "Esquema del cuerpo de la petición"
    schema_of_the_response_body = "Esquema del cuerpo de la respuesta"
    schemas = "Esquemas"
    about_schemas = "Todos los objetos que recibe y devuelve la API."
    details = "Detalle"
    required = "Obligatorio"
    properties = "Propiedades"
    yes = "Sí"
    no = "No"
    other_accepted_types = "Otros tipos aceptados"
    other_possible_types = "Otros tipos posibles"
    other_responses = "Otras respuestas"
    auto_generated_example_note = (
        "Ejemplo generado automáticamente a partir del esquema; el esquema es la referencia."
    )
    terms_of_service = "Términos del servicio"
    servers = "Servidores"
    url = "URL"
    common_responses = "Respuestas comunes"
    common_responses_about = "Respuestas que comparten varias operaciones."
    common_parameters = "Parámetros comunes"
    common_parameters_about = "Parámetros que comparten varias operaciones."
    security_schemes = "Esquemas de seguridad"
    scheme = "Esquema"
    response_headers = "Cabeceras de la respuesta"
    external_docs = "Más documentación"
    for_more_information = "Más información"
    tags = "Etiquetas"


def generar_openapi() -> dict[str, Any]:
    """The same document the server publishes at /openapi.json, built without a database or worker."""
    from vetanco.app import create_app
    from vetanco.config import Settings

    with tempfile.TemporaryDirectory(prefix="vetanco-docs-") as tmp:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=f"sqlite:///{tmp}/docs.db",
            storage_dir=Path(tmp) / "storage",
            worker_enabled=False,
            secret_key="docs-build-only-not-a-secret",  # noqa: S106
        )
        return create_app(settings).openapi()


def _html(texto: str) -> str:
    """The renderer puts descriptions inside HTML tables, where Markdown (and a raw `<key>`) breaks."""
    partes = _CODE.split(texto)
    return "".join(
        f"<code>{html.escape(p, quote=False)}</code>" if i % 2 else html.escape(p, quote=False)
        for i, p in enumerate(partes)
    )


def _para_renderizar(nodo: Any) -> Any:
    if isinstance(nodo, dict):
        return {
            k: _html(v) if k == "description" and isinstance(v, str) else _para_renderizar(v)
            for k, v in nodo.items()
        }
    if isinstance(nodo, list):
        return [_para_renderizar(v) for v in nodo]
    return nodo


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    _spec.clear()
    _spec.update(generar_openapi())
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Publishes the spec next to the reference, so it can be downloaded or fed to a generator."""
    content = json.dumps(_spec, ensure_ascii=False, indent=2)
    files.append(File.generated(config, PUBLISHED, content=content))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if TAG not in markdown:
        return markdown
    if not _spec:
        raise PluginError("openapi hook: the spec was not generated")
    handler = OpenAPIV3DocumentationHandler(
        _para_renderizar(_spec), texts=TextosEs(), style="MKDOCS"
    )
    rendered = handler.write()
    # The renderer opens with its own H1 (title and description, already in the page's intro);
    # a second H1 would also hide the table of contents, which Material builds from the first.
    first_tag = rendered.find("\n## ")
    return markdown.replace(TAG, rendered[first_tag:] if first_tag >= 0 else rendered)
