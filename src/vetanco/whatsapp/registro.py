"""The questions that file a case over WhatsApp: each parses its answer or says exactly what is wrong."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import dateparser
from pydantic import EmailStr, TypeAdapter, ValidationError
from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from vetanco.clientes.models import Cliente
from vetanco.clientes.schemas import normalizar_cuit
from vetanco.colaboradores.models import Colaborador
from vetanco.db import utcnow
from vetanco.productos.service import nombres_para_bot
from vetanco.text import fold
from vetanco.whatsapp import evento_adverso
from vetanco.whatsapp.pasos import Invalido, Paso, Respuesta, q
from vetanco.whatsapp.salidas import SI_NO, Opcion, elegir

OMITIR = ("omitir", "no", "no tengo", "no se", "no sé", "ninguno", "ninguna", "-", "saltar")
_PHONE = re.compile(r"^\+?[\d\s()\-.]{6,40}$")
_LOTE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-/. ]{0,49}$")
_CANTIDAD = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(.*)$")
_EMAIL = TypeAdapter(EmailStr)


def _elegida(opciones: tuple[Opcion, ...], hint: str) -> Callable[[Respuesta, dict[str, Any]], str]:
    def parse(resp: Respuesta, _r: dict[str, Any]) -> str:
        opcion = elegir(opciones, resp.texto, resp.reply_id)
        if opcion is None:
            raise Invalido(hint)
        return opcion.id

    return parse


TIPOS = (
    Opcion("reclamo", "Reclamo (producto)", ("reclamo", "producto", "problema")),
    Opcion("queja", "Queja (servicio)", ("queja", "servicio", "entrega", "factura")),
    Opcion("comentario", "Comentario", ("comentario", "sugerencia", "consulta")),
)
REGISTRANTES = (
    Opcion("cliente", "Soy el cliente", ("cliente", "yo", "productor")),
    Opcion("colaborador", "Soy de Vetanco", ("vetanco", "colaborador", "asesor", "asesora")),
)
ESTADOS_PRODUCTO = (
    Opcion("usado", "Usado", ("usado", "abierto", "aplicado")),
    Opcion("sin_usar", "Sin usar", ("sin usar", "cerrado", "nuevo")),
    Opcion("parcialmente_usado", "Parcialmente usado", ("parcial", "parcialmente", "a medias")),
)
ADJUNTOS = (
    Opcion("listo", "Listo", ("listo", "ya", "fin", "termine", "terminé")),
    Opcion("sin", "No tengo", OMITIR),
)
USAR_WHATSAPP = Opcion(
    "usar_whatsapp", "Usar este número", ("este", "usar este", "este numero", "si", "sí")
)


def _texto(min_len: int, hint: str) -> Callable[[Respuesta, dict[str, Any]], str]:
    def parse(resp: Respuesta, _r: dict[str, Any]) -> str:
        value = resp.texto.strip()
        if len(value) < min_len or not re.search(r"[A-Za-zÁÉÍÓÚáéíóúÑñ]", value):
            raise Invalido(hint)
        return value[:2000]

    return parse


def _colaborador(resp: Respuesta, r: dict[str, Any]) -> dict[str, str] | None:
    if fold(resp.texto) == "cliente":
        r["registrante"] = "cliente"
        return None
    nombres = {
        str(c.id): c.nombre
        for c in resp.session.scalars(select(Colaborador).where(Colaborador.activo))
    }
    match = process.extractOne(
        resp.texto, nombres, scorer=fuzz.WRatio, processor=fold, score_cutoff=85
    )
    if match is None:
        raise Invalido(
            "No encontré ese nombre entre los colaboradores de Vetanco. Probá con nombre y apellido, "
            "o escribí «cliente» para registrarlo a nombre del cliente."
        )
    return {"id": match[2], "nombre": match[0]}


def _cuit(resp: Respuesta, _r: dict[str, Any]) -> str:
    try:
        return normalizar_cuit(resp.texto)
    except ValueError as exc:
        raise Invalido(
            "Ese CUIT no es válido: son 11 dígitos y el último es verificador (ej. 30-12345678-1). "
            "Revisalo o escribí «omitir»."
        ) from exc


def _telefono(resp: Respuesta, _r: dict[str, Any]) -> str:
    if elegir((USAR_WHATSAPP,), resp.texto, resp.reply_id):
        return "+" + resp.telefono
    if not _PHONE.match(resp.texto.strip()):
        raise Invalido(
            "Ese teléfono no parece válido. Escribilo con código de área (ej. 11-5555-1234)."
        )
    return resp.texto.strip()


def _email(resp: Respuesta, _r: dict[str, Any]) -> str:
    try:
        return str(_EMAIL.validate_python(resp.texto.strip()))
    except ValidationError as exc:
        raise Invalido(
            "Ese email no es válido (ej. juan@ejemplo.com). Corregilo o escribí «omitir»."
        ) from exc


def cliente_conocido(session: Session, telefono: str) -> dict[str, Any] | None:
    """The newest client with this phone (last 10 digits), offered instead of asking again."""
    cliente = session.scalars(
        select(Cliente)
        .where(Cliente.telefono_digitos.like(f"%{telefono[-10:]}"))
        .order_by(Cliente.updated_at.desc())
    ).first()
    if cliente is None:
        return None
    fields = ("nombre_apellido", "razon_social", "cuit", "telefono", "email")
    return {f: getattr(cliente, f) for f in fields}


def _producto(resp: Respuesta, r: dict[str, Any]) -> str:
    value = _texto(2, "Decime el nombre del producto (ej. Vetancilina 100ml).")(resp, r)
    known = nombres_para_bot(resp.session)
    match = process.extractOne(value, known, scorer=fuzz.WRatio, processor=fold) if known else None
    r.pop("_sugerencia", None)
    if match and match[1] >= 92:
        return str(match[0])
    if match and match[1] >= 75 and fold(str(match[0])) != fold(value):
        r["_sugerencia"] = match[0]
    return value


def _producto_confirmar(resp: Respuesta, r: dict[str, Any]) -> str:
    opcion = elegir(SI_NO, resp.texto, resp.reply_id)
    if opcion is None:
        raise Invalido("Respondé «Sí» o «No».")
    sugerido = r.pop("_sugerencia", None)
    if opcion.id == "si" and sugerido:
        r["producto"] = str(sugerido)
    return str(r["producto"])


def _lote(resp: Respuesta, _r: dict[str, Any]) -> str:
    value = resp.texto.strip().upper()
    if not _LOTE.match(value):
        raise Invalido("El lote tiene letras y números, como figura en la etiqueta (ej. ABC123).")
    return value


def parse_fecha(texto: str) -> datetime | None:
    """Spanish dates the way people write them: ayer, 17/10, 17/10/2025, el martes."""
    cleaned = re.sub(r"^(el|la|los|del|de)\s+", "", texto.strip(), flags=re.I)
    parsed: datetime | None = dateparser.parse(
        cleaned,
        languages=["es"],
        settings={
            "DATE_ORDER": "DMY",
            "PREFER_DATES_FROM": "past",
            "TIMEZONE": "America/Argentina/Buenos_Aires",
            "TO_TIMEZONE": "UTC",
            "RETURN_AS_TIMEZONE_AWARE": True,
        },
    )
    return parsed


def _vencimiento(resp: Respuesta, _r: dict[str, Any]) -> str:
    parsed = dateparser.parse(
        resp.texto, languages=["es"], settings={"DATE_ORDER": "DMY", "PREFER_DATES_FROM": "future"}
    )
    if parsed is None:
        raise Invalido("No entendí la fecha de vencimiento. Escribila como 31/12/2026 o 12/2026.")
    return str(parsed.date().isoformat())


def _cuando(resp: Respuesta, _r: dict[str, Any]) -> str:
    parsed = parse_fecha(resp.texto)
    if parsed is None:
        raise Invalido("No entendí la fecha. Probá con «ayer», «17/10» o «17/10/2025».")
    if parsed > utcnow():
        raise Invalido("Esa fecha está en el futuro. ¿Cuándo ocurrió?")
    return parsed.isoformat()


def _cantidad(resp: Respuesta, _r: dict[str, Any]) -> dict[str, Any]:
    match = _CANTIDAD.match(resp.texto)
    if not match:
        raise Invalido("Decime un número y la unidad (ej. 10 frascos).")
    cantidad = float(match.group(1).replace(",", "."))
    unidad = match.group(2).strip()[:30] or "unidades"
    return {"cantidad": cantidad, "unidad": unidad}


def _que_sucedio(resp: Respuesta, r: dict[str, Any]) -> str:
    value = _texto(10, "Contanos un poco más (al menos 10 letras).")(resp, r)
    evento_adverso.evaluar(value, r, resp.reglas_triage)
    return value


def _adjuntos(resp: Respuesta, r: dict[str, Any]) -> str:
    opcion = elegir(ADJUNTOS, resp.texto, resp.reply_id)
    if opcion is None:
        raise Invalido("Mandá las fotos o documentos, y cuando termines tocá «Listo».")
    return opcion.id


def _reusar(resp: Respuesta, r: dict[str, Any]) -> bool:
    opcion = elegir(SI_NO, resp.texto, resp.reply_id)
    if opcion is None:
        raise Invalido("Respondé «Sí» o «No».")
    if opcion.id == "si":
        r.update(r["_cliente_conocido"])
    return opcion.id == "si"


def _no_reusa(r: dict[str, Any]) -> bool:
    return r.get("reusar") is not True


def _tel_legible(tel: str) -> str:
    return "+" + tel


PASOS: tuple[Paso, ...] = (
    Paso(
        "tipo",
        q("¿Qué querés registrar?"),
        _elegida(TIPOS, "Elegí una opción: 1, 2 o 3."),
        "Un reclamo es un problema con un producto; una queja, con el servicio (entrega, facturación, atención); un comentario, cualquier otra cosa.",
        lambda _r: TIPOS,
    ),
    Paso(
        "registrante",
        q("¿Quién registra el caso?"),
        _elegida(REGISTRANTES, "Elegí 1 (cliente) o 2 (Vetanco)."),
        "Si sos asesor/a de Vetanco cargando el caso de un cliente, elegí «Soy de Vetanco».",
        lambda _r: REGISTRANTES,
    ),
    Paso(
        "colaborador",
        q("¿Cuál es tu nombre y apellido (como figura en Vetanco)?"),
        _colaborador,
        "Escribí tu nombre como te registró Calidad, o «cliente».",
        aplica=lambda r: r.get("registrante") == "colaborador",
    ),
    Paso(
        "reusar",
        lambda r, _t: (
            f"Ya te conocemos: {r['_cliente_conocido'].get('nombre_apellido') or ''} {('(' + r['_cliente_conocido']['razon_social'] + ')') if r['_cliente_conocido'].get('razon_social') else ''}, CUIT {r['_cliente_conocido'].get('cuit') or 'sin cargar'}. ¿Usamos esos datos?"
        ),
        _reusar,
        "Si los datos cambiaron, respondé «No» y los cargamos de nuevo.",
        lambda _r: SI_NO,
        aplica=lambda r: bool(r.get("_cliente_conocido")) and r.get("registrante") == "cliente",
    ),
    Paso(
        "nombre_apellido",
        q("Nombre y apellido del cliente:"),
        _texto(3, "Escribí nombre y apellido (ej. Juan Pérez)."),
        "Necesitamos saber a quién contactar.",
        aplica=_no_reusa,
    ),
    Paso(
        "razon_social",
        q("Razón social del establecimiento o empresa (o «omitir»):"),
        _texto(2, "Escribí la razón social o «omitir»."),
        "Por ejemplo: Agropecuaria Los Pinos SA.",
        opcional=True,
        aplica=_no_reusa,
    ),
    Paso(
        "cuit",
        q("CUIT del cliente (ej. 30-12345678-1), o «omitir»:"),
        _cuit,
        "El CUIT tiene 11 dígitos; lo validamos con el dígito verificador.",
        opcional=True,
        aplica=_no_reusa,
    ),
    Paso(
        "telefono",
        lambda _r, tel: (
            f"Teléfono de contacto. ¿Usamos este número ({_tel_legible(tel)}) o escribís otro?"
        ),
        _telefono,
        "Podés escribir otro número con código de área.",
        lambda _r: (USAR_WHATSAPP,),
        aplica=_no_reusa,
    ),
    Paso(
        "email",
        q("Email de contacto (o «omitir»):"),
        _email,
        "Es opcional; lo usamos sólo para informarte del caso.",
        opcional=True,
        aplica=_no_reusa,
    ),
    Paso(
        "producto",
        q("¿Qué producto? Nombre y presentación (ej. Vetancilina 100ml):"),
        _producto,
        "Está en la etiqueta del envase.",
        aplica=lambda r: True,
    ),
    Paso(
        "producto_confirmar",
        lambda r, _t: f"¿Te referís a «{r.get('_sugerencia')}»?",
        _producto_confirmar,
        "Si no es ese, respondé «No» y dejamos el nombre como lo escribiste.",
        lambda _r: SI_NO,
        aplica=lambda r: bool(r.get("_sugerencia")),
    ),
    Paso(
        "presentacion",
        q("Presentación (ej. Frasco 100ml), o «omitir»:"),
        _texto(2, "Escribí la presentación o «omitir»."),
        "Por ejemplo: frasco, sobre, bidón de 5 L.",
        opcional=True,
    ),
    Paso(
        "numero_lote",
        q("Número de lote (figura en la etiqueta, ej. ABC123), o «omitir» si no lo tenés:"),
        _lote,
        "El lote nos permite revisar la producción; buscalo cerca del vencimiento.",
        opcional=True,
    ),
    Paso(
        "fecha_vencimiento",
        q("Fecha de vencimiento (ej. 31/12/2026), o «omitir»:"),
        _vencimiento,
        "Está junto al lote en la etiqueta.",
        opcional=True,
    ),
    Paso(
        "estado_producto",
        q("¿En qué estado está el producto?"),
        _elegida(ESTADOS_PRODUCTO, "Elegí 1, 2 o 3."),
        "Usado: ya se aplicó; sin usar: el envase está cerrado.",
        lambda _r: ESTADOS_PRODUCTO,
    ),
    Paso(
        "cantidad",
        q("¿Cuánto producto está afectado? (ej. 10 frascos), o «omitir»:"),
        _cantidad,
        "Un número y la unidad: 10 frascos, 2 cajas, 5 litros.",
        opcional=True,
    ),
    Paso(
        "que_sucedio",
        q("Contanos qué pasó:"),
        _que_sucedio,
        "Por ejemplo: «3 bovinos murieron después de aplicar el producto».",
    ),
    *evento_adverso.PASOS,
    Paso(
        "donde_ocurrio",
        q("¿Dónde ocurrió? (establecimiento, localidad), o «omitir»:"),
        _texto(2, "Escribí el lugar o «omitir»."),
        "Por ejemplo: Establecimiento Las Rosas, Tandil.",
        opcional=True,
    ),
    Paso(
        "cuando_ocurrio",
        q("¿Cuándo ocurrió? (ej. ayer, 17/10, 17/10/2025), o «omitir»:"),
        _cuando,
        "Podés escribir «ayer», «el lunes» o una fecha como 17/10/2025.",
        opcional=True,
    ),
    Paso(
        "descripcion_libre",
        q("¿Algo más que quieras agregar? (o «omitir»)"),
        _texto(2, "Escribí lo que quieras agregar o «omitir»."),
        "Cualquier dato que ayude: informe veterinario, cantidad de animales, etc.",
        opcional=True,
    ),
    Paso(
        "adjuntos",
        q(
            "Si tenés fotos del producto, del lote o informes, mandalos ahora. Cuando termines tocá «Listo»."
        ),
        _adjuntos,
        "Podés mandar fotos, PDF o audios.",
        lambda _r: ADJUNTOS,
    ),
)
POR_CLAVE = {p.clave: p for p in PASOS}

CORRECCIONES = (
    Opcion("cliente", "Datos del cliente", ("cliente",)),
    Opcion("producto", "Producto", ("producto",)),
    Opcion("numero_lote", "Lote", ("lote",)),
    Opcion("fecha_vencimiento", "Vencimiento", ("vencimiento",)),
    Opcion("estado_producto", "Estado del producto", ("estado",)),
    Opcion("cantidad", "Cantidad", ("cantidad",)),
    Opcion("que_sucedio", "Qué pasó", ("que paso", "que sucedio")),
    Opcion("donde_ocurrio", "Dónde", ("donde",)),
    Opcion("cuando_ocurrio", "Cuándo", ("cuando",)),
    Opcion("descripcion_libre", "Descripción", ("descripcion",)),
)
DONDE_Y_CUANDO = Opcion("donde_cuando", "Dónde y cuándo", ("donde", "cuando", "donde y cuando"))
GRUPO_CLIENTE = ("nombre_apellido", "razon_social", "cuit", "telefono", "email")
GRUPOS = {
    "cliente": GRUPO_CLIENTE,
    "donde_cuando": ("donde_ocurrio", "cuando_ocurrio"),
    **evento_adverso.GRUPOS,
}


def correcciones(r: dict[str, Any], sub: str | None = None) -> tuple[Opcion, ...]:
    """What can be corrected. A list holds 10 rows: with an adverse event, «Dónde» and «Cuándo»
    share a row to make room for «Evento adverso», whose data have a list of their own."""
    if not evento_adverso.activo(r):
        return CORRECCIONES
    if sub == evento_adverso.CORREGIR.id:
        return evento_adverso.CORRECCIONES
    principales = [o for o in CORRECCIONES if o.id not in ("donde_ocurrio", "cuando_ocurrio")]
    i = [o.id for o in principales].index("que_sucedio") + 1
    return (*principales[:i], evento_adverso.CORREGIR, DONDE_Y_CUANDO, *principales[i:])


def claves_a_corregir(opcion_id: str) -> tuple[str, ...]:
    """The answers a correction asks again; empty for a row that opens a sub-list."""
    if opcion_id == evento_adverso.CORREGIR.id:
        return ()
    return GRUPOS.get(opcion_id, (opcion_id,))


def es_omitir(texto: str) -> bool:
    return fold(texto).strip(" .!") in OMITIR


def vencimiento(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
