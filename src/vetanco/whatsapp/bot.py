"""The Spanish (rioplatense) chatbot: menu, filing a case step by step, status, hand-off to a person."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from vetanco import metricas
from vetanco.casos import service as casos_service
from vetanco.casos.models import Caso
from vetanco.config import Settings
from vetanco.db import utcnow
from vetanco.errors import VetancoError
from vetanco.politicas import Politicas
from vetanco.text import fold
from vetanco.whatsapp import evento_adverso, registro, repository
from vetanco.whatsapp import media as medios
from vetanco.whatsapp.caso import caso_desde_respuestas, resumen
from vetanco.whatsapp.entrantes import Entrante
from vetanco.whatsapp.models import Conversacion
from vetanco.whatsapp.pasos import Invalido, Respuesta
from vetanco.whatsapp.registro import PASOS, POR_CLAVE
from vetanco.whatsapp.salidas import Opcion, Salida, elegir

NUMERO_CASO = re.compile(r"VET-\d{4}-\d{5,}", re.I)
MENU = (
    Opcion(
        "registrar", "Registrar caso", ("registrar", "reclamo", "queja", "comentario", "reclamar")
    ),
    Opcion("estado", "Consultar estado", ("estado", "consultar", "consulta", "mi caso")),
    Opcion("humano", "Hablar con persona", ("persona", "humano", "asesor", "hablar", "operador")),
)
CONFIRMAR = (
    Opcion("confirmar", "Confirmar", ("confirmar", "si", "sí", "ok", "dale")),
    Opcion("corregir", "Corregir un dato", ("corregir", "cambiar", "editar")),
    Opcion("cancelar", "Cancelar", ("cancelar",)),
)
ESTADOS_LEGIBLES = {
    "nuevo": "recibido; el equipo de Calidad lo va a revisar",
    "en_investigacion": "en investigación por el equipo de Calidad",
    "resuelto": "resuelto",
    "cerrado": "cerrado",
}


@dataclass
class Turno:
    """One inbound message being answered; what the bot says accumulates in `salidas`."""

    session: Session
    conv: Conversacion
    entrante: Entrante
    settings: Settings
    salidas: list[Salida] = field(default_factory=list)
    caso_creado: Caso | None = None

    @property
    def texto(self) -> str:
        return (self.entrante.texto or "").strip()

    @property
    def datos(self) -> dict[str, Any]:
        return dict(self.conv.datos or {})

    @property
    def registrando(self) -> bool:
        return self.conv.paso.split(":")[0] in ("registro", "confirmar", "corregir")

    def guardar(self, datos: dict[str, Any], paso: str) -> None:
        self.conv.datos = datos
        self.conv.paso = paso

    def decir(self, texto: str, opciones: tuple[Opcion, ...] = (), *, lista: bool = False) -> None:
        self.salidas.append(Salida(texto, opciones, como_lista=lista))


def atender(
    session: Session, *, conv: Conversacion, entrante: Entrante, settings: Settings
) -> Turno:
    turno = Turno(session, conv, entrante, settings)
    if conv.requiere_humano:
        return turno
    _reiniciar_si_inactiva(turno)
    comando = fold(turno.texto).strip(" .!¡?¿")
    if entrante.media is not None:
        _media(turno)
        return turno
    if comando in ("cancelar", "salir"):
        cancelado = conv.paso != "inicio"
        if cancelado:
            _termina(turno, "cancelada")
        turno.guardar({}, "inicio")
        _menu(turno, "Listo, cancelé lo que estábamos haciendo." if cancelado else None)
        return turno
    if comando in ("menu", "menú", "inicio"):
        turno.guardar({}, "inicio")
        _menu(turno)
        return turno
    if comando == "ayuda":
        _ayuda(turno)
        return turno
    if comando == "volver":
        _volver(turno)
        return turno
    paso = conv.paso
    if paso.startswith("registro:"):
        _responder_paso(turno, paso.removeprefix("registro:"))
    elif paso == "confirmar":
        _confirmar(turno)
    elif paso == "corregir":
        _corregir(turno)
    elif paso == "estado":
        _estado(turno)
    else:
        _inicio(turno)
    return turno


def _reiniciar_si_inactiva(turno: Turno) -> None:
    last = turno.conv.ultimo_entrante_at
    if (
        last
        and (utcnow() - last).total_seconds() > turno.settings.conversation_reset_after
        and turno.conv.paso != "inicio"
    ):
        _termina(turno, "abandonada")
        turno.guardar({}, "inicio")
        turno.decir("Pasó bastante tiempo desde tu último mensaje, así que empezamos de nuevo.")


def _termina(turno: Turno, resultado: str) -> None:
    metricas.al_confirmar(turno.session, metricas.CONVERSACIONES, resultado=resultado)


def _menu(turno: Turno, previo: str | None = None) -> None:
    nombre = (turno.conv.contact_name or "").split(" ")[0]
    saludo = previo or f"¡Hola{' ' + nombre if nombre else ''}! Soy el asistente de Vetanco."
    turno.decir(f"{saludo}\n¿En qué te ayudo?", MENU)


def _inicio(turno: Turno) -> None:
    numero = NUMERO_CASO.search(turno.texto)
    if numero:
        _informar_estado(turno, numero.group(0).upper())
        return
    opcion = elegir(MENU, turno.texto, turno.entrante.reply_id)
    if opcion is None:
        _menu(turno)
        return
    if opcion.id == "registrar":
        _empezar_registro(turno, tipo=_tipo_escrito(turno.texto))
    elif opcion.id == "estado":
        turno.guardar(turno.datos, "estado")
        turno.decir("Pasame el número de caso (ej. VET-2025-00123).")
    else:
        turno.conv.requiere_humano = True
        _termina(turno, "derivada_a_persona")
        turno.guardar({}, "humano")
        turno.decir(
            "Te paso con una persona del equipo de Calidad; te van a escribir por acá en cuanto puedan."
        )


def _tipo_escrito(texto: str) -> str | None:
    palabra = fold(texto)
    return palabra if palabra in ("reclamo", "queja", "comentario") else None


def _estado(turno: Turno) -> None:
    numero = NUMERO_CASO.search(turno.texto)
    if numero is None:
        turno.decir(
            "No reconozco ese número. Tiene la forma VET-2025-00123. Probá de nuevo o escribí «cancelar»."
        )
        return
    _informar_estado(turno, numero.group(0).upper())


def _informar_estado(turno: Turno, numero: str) -> None:
    """Only the phone that filed the case (or its client's phone) hears about it."""
    caso = repository.caso_del_telefono(turno.session, numero, telefono=turno.conv.telefono)
    turno.guardar({}, "inicio")
    if caso is None:
        turno.decir(f"No encontré un caso {numero} asociado a este teléfono.", MENU)
        return
    detalle = ESTADOS_LEGIBLES.get(caso.estado, caso.estado)
    texto = f"Tu caso {numero} está {detalle}."
    if caso.estado in ("resuelto", "cerrado") and caso.resolucion:
        texto += f"\nResolución: {caso.resolucion}"
    turno.decir(texto, MENU)


def _empezar_registro(turno: Turno, *, tipo: str | None) -> None:
    respuestas: dict[str, Any] = {}
    conocido = registro.cliente_conocido(turno.session, turno.conv.telefono)
    if conocido:
        respuestas["_cliente_conocido"] = conocido
    if tipo:
        respuestas["tipo"] = tipo
    datos = {"r": respuestas, "pila": [], "adjuntos": [], "inicio": utcnow().isoformat()}
    primero = _siguiente(respuestas, None)
    assert primero is not None
    _preguntar(turno, datos, primero)


def _siguiente(r: dict[str, Any], desde: str | None) -> str | None:
    claves = [p.clave for p in PASOS]
    start = claves.index(desde) + 1 if desde else 0
    for paso in PASOS[start:]:
        if paso.clave not in r and paso.aplica(r):
            return paso.clave
    return None


def _preguntar(turno: Turno, datos: dict[str, Any], clave: str, prefijo: str | None = None) -> None:
    paso = POR_CLAVE[clave]
    turno.guardar(datos, f"registro:{clave}")
    texto = paso.pregunta(datos["r"], turno.conv.telefono)
    turno.decir(f"{prefijo}\n{texto}" if prefijo else texto, paso.opciones(datos["r"]))


def _responder_paso(turno: Turno, clave: str) -> None:
    datos = turno.datos
    r = dict(datos.get("r", {}))
    paso = POR_CLAVE[clave]
    if paso.opcional and registro.es_omitir(turno.texto) and not turno.entrante.reply_id:
        valor: Any = None
    else:
        try:
            respuesta = Respuesta(
                turno.texto,
                turno.entrante.reply_id,
                turno.session,
                turno.conv.telefono,
                reglas_triage=turno.settings.triage_rules,
            )
            valor = paso.parse(respuesta, r)
        except Invalido as exc:
            turno.guardar({**datos, "r": r}, turno.conv.paso)
            turno.decir(str(exc), paso.opciones(r))
            return
    r[clave] = valor
    datos = {**datos, "r": r, "pila": [*datos.get("pila", []), clave]}
    _avanzar(turno, datos, clave)


def _avanzar(turno: Turno, datos: dict[str, Any], clave: str) -> None:
    r = datos["r"]
    if clave == "que_sucedio" and datos.get("corregir_hasta") and evento_adverso.faltan(r):
        datos["corregir_hasta"] = evento_adverso.ULTIMA  # a story that now needs the AE questions
    hasta = datos.get("corregir_hasta")
    if (
        hasta
        and (clave == hasta or clave == "producto_confirmar")
        and not (clave == "producto" and r.get("_sugerencia"))
    ):
        _resumen(turno, datos)
        return
    if clave == "producto" and r.get("_sugerencia"):
        r.pop("producto_confirmar", None)
    siguiente = _siguiente(r, clave)
    if siguiente is None:
        _resumen(turno, datos)
    else:
        _preguntar(turno, datos, siguiente)


def _volver(turno: Turno) -> None:
    datos = turno.datos
    pila = list(datos.get("pila", []))
    if not turno.registrando:
        _menu(turno)
        return
    if datos.get("corregir_hasta") or datos.get("corregir_sub"):
        _pedir_correccion(turno, datos)
        return
    if not pila:
        turno.decir("Estamos en la primera pregunta.")
        _preguntar(turno, datos, turno.conv.paso.removeprefix("registro:"))
        return
    r = dict(datos.get("r", {}))
    while len(pila) > 1 and not evento_adverso.vigente(pila[-1], r):
        pila.pop()  # answers of adverse-event questions that a corrected story no longer needs
    anterior = pila.pop()
    r.pop(anterior, None)
    if anterior == "producto_confirmar":
        r.pop("producto", None)
        r.pop("_sugerencia", None)
        if pila and pila[-1] == "producto":
            pila.pop()
        anterior = "producto"
    _preguntar(turno, {**datos, "r": r, "pila": pila}, anterior)


def _ayuda(turno: Turno) -> None:
    paso = turno.conv.paso
    comandos = "Podés escribir «volver» para la pregunta anterior, «cancelar» para empezar de nuevo o «menu»."
    if paso.startswith("registro:"):
        clave = paso.removeprefix("registro:")
        _preguntar(turno, turno.datos, clave, f"{POR_CLAVE[clave].ayuda}\n{comandos}")
    else:
        _menu(
            turno,
            f"Te ayudo a registrar reclamos, quejas o comentarios y a consultar tus casos. {comandos}",
        )


def _media(turno: Turno) -> None:
    adjunto = medios.adjunto_de(turno.entrante)
    datos = turno.datos
    if turno.registrando:
        adjuntos = [*datos.get("adjuntos", []), adjunto]
        turno.guardar({**datos, "adjuntos": adjuntos}, turno.conv.paso)
        turno.decir(f"Recibí el archivo ({len(adjuntos)}). Lo adjunto al caso.")
        return
    caso = medios.ultimo_caso_abierto(turno.session, telefono=turno.conv.telefono)
    if caso is not None:
        medios.adjuntar(turno.session, caso=caso, adjuntos=[adjunto])
        turno.decir(f"Recibí el archivo y lo adjunté a tu caso {caso.numero_caso}.")
        return
    turno.decir(
        "Recibí el archivo, pero no tenés un caso abierto. Elegí «Registrar caso» y mandalo durante el registro.",
        MENU,
    )


def _resumen(turno: Turno, datos: dict[str, Any]) -> None:
    datos.pop("corregir_hasta", None)
    turno.guardar(datos, "confirmar")
    turno.decir(resumen(datos), CONFIRMAR)


def _pedir_correccion(
    turno: Turno, datos: dict[str, Any], texto: str = "¿Qué dato querés corregir?"
) -> None:
    datos = {k: v for k, v in datos.items() if k not in ("corregir_hasta", "corregir_sub")}
    turno.guardar(datos, "corregir")
    turno.decir(texto, registro.correcciones(datos["r"]), lista=True)


def _confirmar(turno: Turno) -> None:
    opcion = elegir(CONFIRMAR, turno.texto, turno.entrante.reply_id)
    datos = turno.datos
    if opcion is None:
        turno.decir("Elegí «Confirmar», «Corregir un dato» o «Cancelar».", CONFIRMAR)
    elif opcion.id == "cancelar":
        turno.guardar({}, "inicio")
        _menu(turno, "Listo, no registré nada.")
    elif opcion.id == "corregir":
        _pedir_correccion(turno, datos)
    else:
        _crear_caso(turno, datos)


def _corregir(turno: Turno) -> None:
    datos = turno.datos
    r = dict(datos["r"])
    opciones = registro.correcciones(r, datos.get("corregir_sub"))
    opcion = elegir(opciones, turno.texto, turno.entrante.reply_id)
    if opcion is None:
        turno.decir("Elegí uno de la lista (o escribí su número).", opciones, lista=True)
        return
    claves = registro.claves_a_corregir(opcion.id)
    if not claves:  # a row that opens its own list
        turno.guardar({**datos, "corregir_sub": opcion.id}, "corregir")
        turno.decir("¿Qué dato?", registro.correcciones(r, opcion.id), lista=True)
        return
    for clave in claves:
        r.pop(clave, None)
    if opcion.id == "cliente":
        r["reusar"] = False
    datos = {**datos, "r": r, "corregir_hasta": claves[-1], "corregir_sub": None}
    _preguntar(turno, datos, claves[0])


def _crear_caso(turno: Turno, datos: dict[str, Any]) -> None:
    try:
        data = caso_desde_respuestas(datos, telefono=turno.conv.telefono)
    except ValidationError:
        _pedir_correccion(turno, datos, "Algún dato no quedó bien. ¿Cuál querés corregir?")
        return
    try:
        with turno.session.begin_nested():
            caso = casos_service.crear_caso(
                turno.session,
                data=data,
                actor=f"whatsapp:+{turno.conv.telefono}",
                politicas=Politicas.desde(turno.settings),
                origen_evento="whatsapp",
            )
            medios.adjuntar(turno.session, caso=caso, adjuntos=datos.get("adjuntos", []))
    except VetancoError as exc:
        turno.guardar({}, "inicio")
        _termina(turno, "duplicado" if exc.extra.get("numero_caso") else "rechazada")
        existente = exc.extra.get("numero_caso")
        texto = f"Ya tenés un caso abierto igual: {existente}." if existente else exc.message
        turno.decir(texto, MENU)
        return
    turno.caso_creado = caso
    _termina(turno, "caso_registrado")
    turno.guardar({"ultimo_caso": str(caso.id)}, "inicio")
    turno.decir(
        f"¡Listo! Registramos tu caso {caso.numero_caso}. Guardá este número: con él podés consultar el "
        "estado cuando quieras. Te avisamos por acá cuando haya novedades."
    )


def caso_id(turno: Turno) -> uuid.UUID | None:
    return turno.caso_creado.id if turno.caso_creado else None
