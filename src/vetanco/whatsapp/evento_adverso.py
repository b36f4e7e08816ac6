"""The adverse-event questions (VICH GL42): asked only when the story points to harm or no effect.

Every question is short, one at a time, and takes «no sé» / «salteá» as an answer (kept as null),
so nobody gets stuck. The answers travel as the `evento_adverso` block of the new case.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import dateparser

from vetanco.farmacovigilancia.schemas import Desenlace, ViaAdministracion
from vetanco.text import fold
from vetanco.triage.clasificador import cargar_reglas, clasificar
from vetanco.whatsapp.pasos import Invalido, Paso, Respuesta, q
from vetanco.whatsapp.salidas import Opcion, elegir

ZONA = ZoneInfo("America/Argentina/Buenos_Aires")
FLAG = "_ea"
CLAVES = (
    "ea_especie",
    "ea_tratados",
    "ea_afectados",
    "ea_muertos",
    "ea_dosis",
    "ea_via",
    "ea_fecha",
    "ea_desenlace",
)
ULTIMA = "ea_desenlace"
MAX_ANIMALES = 10_000_000
SALTEAR = frozenset(
    [
        "no se",
        "nose",
        "no lo se",
        "no se bien",
        "no sabria",
        "no sabria decir",
        "no sabemos",
        "no lo sabemos",
        "no se cuantos",
        "no se cuantas",
        "ni idea",
        "no tengo idea",
        "no me acuerdo",
        "no recuerdo",
        "desconozco",
        "saltea",
        "salteala",
        "saltear",
        "salteo",
        "salta",
        "saltar",
        "omitir",
        "-",
        "?",
    ]
)
_SALTEAR_TEXTO = SALTEAR | {"no", "no tengo", "ninguno", "ninguna"}
NO_SE = " (o «no sé»)"

# ---------------------------------------------------------------- especie
_ESPECIES = {
    "bovino": (
        "vaca vacuno bovino bovina ternero ternera novillo novilla novillito vaquillona vaquilla "
        "toro torito buey hacienda"
    ),
    "porcino": "cerdo cerda chancho chancha lechon porcino porcina marrano",
    "aviar": "pollo pollito pollita gallina gallo ave aviar parrillero ponedora pavo codorniz pato",
    "ovino": "oveja cordero carnero borrego borrega ovino ovina",
    "caprino": "cabra chivo chiva cabrito caprino",
    "canino": "perro perra perrito cachorro canino",
    "felino": "gato gata gatito felino",
    "equino": "caballo yegua potrillo potranca padrillo equino",
}
_POR_PALABRA = {p: especie for especie, palabras in _ESPECIES.items() for p in palabras.split()}


def normalizar_especie(texto: str) -> str:
    """Common words to the species name ('3 vacas y un ternero' -> 'bovino'); anything else as written."""
    halladas: list[str] = []
    for token in re.findall(r"[a-z]+", fold(texto)):
        for forma in (token, token.removesuffix("s"), token.removesuffix("es")):
            especie = _POR_PALABRA.get(forma)
            if especie:
                if especie not in halladas:
                    halladas.append(especie)
                break
    if halladas:
        return ", ".join(halladas)
    value = " ".join(texto.split())
    if len(re.findall(r"[A-Za-zÁÉÍÓÚÜáéíóúüÑñ]", value)) < 2:
        raise Invalido("Decime la especie con palabras (ej. bovinos, cerdos, aves, perros).")
    return value[:100]


# ---------------------------------------------------------------- cantidades
_UNIDADES = {
    palabra: valor
    for valor, palabra in enumerate(
        [
            "cero",
            "uno",
            "dos",
            "tres",
            "cuatro",
            "cinco",
            "seis",
            "siete",
            "ocho",
            "nueve",
            "diez",
            "once",
            "doce",
            "trece",
            "catorce",
            "quince",
            "dieciseis",
            "diecisiete",
            "dieciocho",
            "diecinueve",
            "veinte",
            "veintiuno",
            "veintidos",
            "veintitres",
            "veinticuatro",
            "veinticinco",
            "veintiseis",
            "veintisiete",
            "veintiocho",
            "veintinueve",
        ]
    )
} | {"un": 1, "una": 1, "veintiun": 21, "veintiuna": 21}
_DECENAS = {
    palabra: 30 + 10 * i
    for i, palabra in enumerate(
        ["treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta", "noventa"]
    )
}
_CENTENAS = {"cien": 100, "ciento": 100, "quinientos": 500, "quinientas": 500}
for _prefijo, _valor in (
    ("dos", 2),
    ("tres", 3),
    ("cuatro", 4),
    ("seis", 6),
    ("sete", 7),
    ("ocho", 8),
    ("nove", 9),
):
    _CENTENAS[f"{_prefijo}cientos"] = _CENTENAS[f"{_prefijo}cientas"] = _valor * 100
_PALABRAS_NUMERO = {**_UNIDADES, **_DECENAS, **_CENTENAS}
_CERO = frozenset({"ninguno", "ninguna", "ningun", "nada", "nadie", "cero"})
_TODOS = frozenset({"todos", "todas", "todo"})
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[a-z]+")
_MILES = re.compile(r"\d{1,3}(?:\.\d{3})+")


def _valor_palabras(palabras: list[str]) -> int:
    total = actual = 0
    for p in palabras:
        if p == "mil":
            total += (actual or 1) * 1000
            actual = 0
        else:
            actual += _PALABRAS_NUMERO[p]
    return total + actual


def numeros_en(texto: str) -> list[int]:
    """Every number in the text, written with digits ('1.500') or words ('treinta y dos')."""
    tokens = _TOKEN.findall(fold(texto))
    numeros: list[int] = []
    grupo: list[str] = []
    for i, tok in enumerate(tokens):
        previo = grupo[-1] if grupo else None
        siguiente = tokens[i + 1] if i + 1 < len(tokens) else ""
        if tok in _PALABRAS_NUMERO or (tok == "mil" and previo != "mil"):
            grupo.append(tok)
            continue
        if tok == "y" and previo in _DECENAS and siguiente in _UNIDADES:
            continue
        if grupo:
            numeros.append(_valor_palabras(grupo))
            grupo = []
        if tok[0].isdigit():
            if _MILES.fullmatch(tok):
                numeros.append(int(tok.replace(".", "")))
            elif tok.isdigit():
                numeros.append(int(tok))
            else:
                raise Invalido(
                    "Los animales se cuentan enteros: escribí un número sin decimales (ej. 12)."
                )
    if grupo:
        numeros.append(_valor_palabras(grupo))
    return numeros


def parse_cantidad(texto: str, *, todos: int | None = None) -> int | None:
    """'3', '3 vacas', 'tres', 'ninguno' -> a count; «no sé» -> None; 'todos' -> `todos` if known."""
    limpio = fold(texto).strip(" .!¡?¿")
    if limpio in SALTEAR:
        return None
    tokens = set(re.findall(r"[a-z]+", limpio))
    if re.search(r"\bni (uno|una)\b", limpio) or limpio == "no":
        return 0
    numeros = sorted(set(numeros_en(limpio)))
    if not numeros and tokens & _CERO:
        return 0
    if not numeros and tokens & _TODOS:
        if todos is None:
            raise Invalido("¿Cuántos son «todos»? Escribí el número (ej. 12).")
        return todos
    if not numeros:
        raise Invalido(
            "No entendí la cantidad. Escribí un número (ej. 12 o «doce»), «ninguno» o «no sé»."
        )
    if len(numeros) > 1:
        raise Invalido("Decime un solo número, la cantidad de animales (ej. 12).")
    if numeros[0] > MAX_ANIMALES:
        raise Invalido("Ese número es demasiado grande. ¿Cuántos animales fueron?")
    return numeros[0]


def _tratados(resp: Respuesta, _r: dict[str, Any]) -> int | None:
    return parse_cantidad(resp.texto)


def _afectados(resp: Respuesta, r: dict[str, Any]) -> int | None:
    tratados = r.get("ea_tratados")
    n = parse_cantidad(resp.texto, todos=tratados)
    if n is not None and tratados is not None and n > tratados:
        raise Invalido(
            f"Ojo: me dijiste que se trataron {tratados}, así que los afectados no pueden ser más "
            f"de {tratados}. ¿Cuántos tuvieron problemas? (Si el {tratados} estaba mal, escribí «volver».)"
        )
    return n


def _muertos(resp: Respuesta, r: dict[str, Any]) -> int | None:
    afectados, tratados = r.get("ea_afectados"), r.get("ea_tratados")
    tope = afectados if afectados is not None else tratados
    n = parse_cantidad(resp.texto, todos=tope)
    if n is not None and tope is not None and n > tope:
        dijiste = f"{tope} tuvieron problemas" if afectados is not None else f"se trataron {tope}"
        raise Invalido(
            f"Ojo: me dijiste que {dijiste}, así que los muertos no pueden ser más de {tope}. "
            "¿Cuántos murieron? (Si el número anterior estaba mal, escribí «volver».)"
        )
    return n


# ---------------------------------------------------------------- dosis y vía
VIAS = (
    Opcion(ViaAdministracion.intramuscular.value, "Intramuscular", ("im", "i.m.", "musculo")),
    Opcion(ViaAdministracion.subcutanea.value, "Subcutánea", ("sc", "s.c.", "subcutaneo")),
    Opcion(ViaAdministracion.intravenosa.value, "Intravenosa", ("iv", "ev", "endovenosa")),
    Opcion(ViaAdministracion.oral.value, "Oral", ("por boca", "boca")),
    Opcion(ViaAdministracion.pour_on.value, "Pour-on", ("pour on", "pouron", "derrame dorsal")),
    Opcion(ViaAdministracion.topica.value, "Tópica", ("topico", "piel", "spray")),
    Opcion(ViaAdministracion.intramamaria.value, "Intramamaria", ("ubre", "pomo")),
    Opcion(ViaAdministracion.intrauterina.value, "Intrauterina", ("utero",)),
    Opcion(ViaAdministracion.en_agua_o_alimento.value, "En agua o alimento", ("agua", "alimento")),
    Opcion(ViaAdministracion.otra.value, "Otra", ("otra", "otro")),
)
_NO_LETRA = r"(?<![a-z])"
_FIN = r"(?![a-z])"
_PATRONES_VIA = (
    (ViaAdministracion.subcutanea, rf"subcut|sub cutane|{_NO_LETRA}s\.? ?c\.?{_FIN}|bajo la piel"),
    (ViaAdministracion.intramuscular, rf"intramusc|{_NO_LETRA}i\.? ?m\.?{_FIN}|en el musculo"),
    (
        ViaAdministracion.intravenosa,
        rf"intraven|endoven|{_NO_LETRA}[ie]\.? ?v\.?{_FIN}|en la vena",
    ),
    (ViaAdministracion.intramamaria, rf"intramamar|en la ubre|{_NO_LETRA}pomos?{_FIN}"),
    (ViaAdministracion.intrauterina, r"intrauter|en el utero"),
    (ViaAdministracion.pour_on, r"pour ?-? ?on|derrame dorsal|(sobre|en) el lomo"),
    (
        ViaAdministracion.en_agua_o_alimento,
        r"en el agua|agua de bebida|bebedero|en el alimento|balanceado|en la racion|premezcla",
    ),
    (ViaAdministracion.oral, rf"{_NO_LETRA}oral|por (la )?boca|drench|{_NO_LETRA}v\.?o\.?{_FIN}"),
    (ViaAdministracion.topica, rf"topic|{_NO_LETRA}spray|pulveriz|sobre la piel|{_NO_LETRA}cutane"),
)


def extraer_via(texto: str) -> ViaAdministracion | None:
    """The route named in a dose answer ('5 ml IM', 'subcutánea', 'pour-on'); the first one wins."""
    folded = fold(texto)
    hallada: tuple[int, ViaAdministracion] | None = None
    for via, patron in _PATRONES_VIA:
        m = re.search(patron, folded)
        if m and (hallada is None or m.start() < hallada[0]):
            hallada = (m.start(), via)
    return hallada[1] if hallada else None


def _dosis(resp: Respuesta, r: dict[str, Any]) -> str | None:
    r.pop("ea_via", None)
    if es_salteo(resp.texto):
        return None
    value = " ".join(resp.texto.split())
    if not re.search(r"[0-9A-Za-z]", value):
        raise Invalido("Contame la dosis y la vía (ej. 5 ml intramuscular), o escribí «no sé».")
    via = extraer_via(value)
    if via is not None:
        r["ea_via"] = via.value
    return value[:200]


def _via(resp: Respuesta, _r: dict[str, Any]) -> str | None:
    opcion = elegir(VIAS, resp.texto, resp.reply_id)
    if opcion is not None:
        return opcion.id
    if es_salteo(resp.texto):
        return None
    via = extraer_via(resp.texto)
    if via is None:
        raise Invalido("Elegí una vía de la lista (o escribí «no sé»).")
    return via.value


# ---------------------------------------------------------------- fecha de aplicación
_ARTICULOS = re.compile(r"^(?:(?:el|la|los|las|del|de|fue|desde|se aplico|aplicamos)\s+)+")
_MOMENTO = re.compile(
    r"\s+(?:(?:a|por|de|en) la (?:manana|tarde|noche|madrugada|siesta)|temprano|al mediodia)\b"
)
_DIAS = "lunes|martes|miercoles|jueves|viernes|sabado|domingo"


def _limpiar_fecha(texto: str) -> str:
    limpio = fold(texto).strip(" .!¡?¿")
    limpio = re.sub(r"\b(?:antes de ayer|antes ayer|antier)\b", "anteayer", limpio)
    limpio = re.sub(r"\banoche\b", "ayer", limpio)
    limpio = re.sub(r"^(?:esta|hoy (?:a|por) la) (?:manana|tarde|noche)$", "hoy", limpio)
    limpio = _MOMENTO.sub("", _ARTICULOS.sub("", limpio))
    limpio = re.sub(rf"\b({_DIAS}) (?:pasado|pasada|anterior)\b", r"\1", limpio)
    return re.sub(
        r"\b[a-z]+\b",
        lambda m: (
            str(_UNIDADES[m.group(0)])
            if m.group(0) in _UNIDADES and m.group(0) not in ("un", "uno", "una")
            else m.group(0)
        ),
        limpio,
    )


def hoy_en_argentina() -> date:
    return datetime.now(ZONA).date()


def parse_fecha_aplicacion(texto: str, *, hoy: date | None = None) -> date:
    """'ayer', 'el lunes', '15/11', 'hace 3 días', '15/11/2025' (Argentine day); never a future day."""
    hoy = hoy or hoy_en_argentina()
    parsed: datetime | None = dateparser.parse(
        _limpiar_fecha(texto),
        languages=["es"],
        settings={
            "DATE_ORDER": "DMY",
            "PREFER_DATES_FROM": "past",
            "RELATIVE_BASE": datetime.combine(hoy, time(12)),
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    if parsed is None:
        raise Invalido(
            "No entendí la fecha. Probá con «ayer», «el lunes», «hace 3 días» o «15/11»."
        )
    if parsed.date() > hoy:
        raise Invalido("Esa fecha todavía no llegó. ¿Qué día se aplicó el producto?")
    return parsed.date()


def _fecha(resp: Respuesta, _r: dict[str, Any]) -> str | None:
    if es_salteo(resp.texto):
        return None
    return parse_fecha_aplicacion(resp.texto).isoformat()


# ---------------------------------------------------------------- desenlace
NO_SE_OPCION = Opcion("no_se", "No sé", ())
DESENLACES = (
    Opcion(Desenlace.recuperado.value, "Se recuperaron", ("recuperado", "recuperados", "bien")),
    Opcion(Desenlace.recuperado_con_secuelas.value, "Quedaron con secuelas", ("secuelas",)),
    Opcion(Desenlace.en_curso.value, "Siguen en tratamiento", ("en curso", "en tratamiento")),
    Opcion(Desenlace.muerte.value, "Murieron", ("muerte", "murio", "muertos")),
    Opcion(Desenlace.eutanasia.value, "Eutanasia", ("sacrificados", "sacrificado")),
    NO_SE_OPCION,
)
# Most serious first: a mixed answer ('2 murieron y el resto se recuperó') keeps the worst outcome.
_PATRONES_DESENLACE = (
    (Desenlace.muerte, r"\bmuri|\bmuert|\bfallec|\bperdimos\b"),
    (Desenlace.eutanasia, r"eutanas|sacrific|\bhubo que matar"),
    (Desenlace.recuperado_con_secuelas, r"secuela|a medias|no del todo|quedaron? (rengo|flac)"),
    (
        Desenlace.en_curso,
        r"en curso|tratamiento|\bsiguen?\b|todavia|mejorando|recuperandose|en observacion"
        r"|no se (recuper|cur|mejor)|no (mejor|se cur)",
    ),
    (Desenlace.recuperado, r"recuper|\bbien\b|\bsan[oa]s?\b|se curaron|curad|mejoraron|normal"),
)
_DESCONOCIDO = frozenset({"desconocido", "no se sabe", "todavia no se sabe", "no se sabe todavia"})


def parse_desenlace(texto: str, reply_id: str | None = None) -> Desenlace | None:
    opcion = elegir(DESENLACES, texto, reply_id)
    if opcion is not None:
        return None if opcion is NO_SE_OPCION else Desenlace(opcion.id)
    limpio = fold(texto).strip(" .!¡?¿")
    if limpio in SALTEAR:
        return None
    if limpio in _DESCONOCIDO:
        return Desenlace.desconocido
    for desenlace, patron in _PATRONES_DESENLACE:
        if re.search(patron, limpio):
            return desenlace
    raise Invalido("Elegí una opción de la lista (o escribí «no sé»).")


def _desenlace(resp: Respuesta, _r: dict[str, Any]) -> str | None:
    desenlace = parse_desenlace(resp.texto, resp.reply_id)
    return desenlace.value if desenlace else None


# ---------------------------------------------------------------- the steps
def es_salteo(texto: str) -> bool:
    return fold(texto).strip(" .!¡?¿") in _SALTEAR_TEXTO


def _especie(resp: Respuesta, _r: dict[str, Any]) -> str | None:
    return None if es_salteo(resp.texto) else normalizar_especie(resp.texto)


def activo(r: dict[str, Any]) -> bool:
    return bool(r.get(FLAG))


def _pregunta_especie(r: dict[str, Any], _tel: str) -> str:
    pregunta = "¿Qué especie? (ej. bovinos, cerdos, aves, perros)" + NO_SE
    if any(c in r for c in CLAVES):
        return pregunta
    return (
        "Por lo que contás, puede ser un evento adverso. Para el reporte de farmacovigilancia te "
        "hago unas preguntas cortas; si no sabés alguna, escribí «no sé».\n" + pregunta
    )


def _pregunta_afectados(r: dict[str, Any], _tel: str) -> str:
    tratados = r.get("ea_tratados")
    de = f" de los {tratados}" if tratados else ""
    return f"¿Cuántos{de} tuvieron algún problema?{NO_SE}"


_AYUDA_NUMERO = "Un número (12 o «doce»). Si fue ninguno, escribí «ninguno»; si no sabés, «no sé»."
PASOS: tuple[Paso, ...] = (
    Paso(
        "ea_especie",
        _pregunta_especie,
        _especie,
        "La especie de los animales tratados: bovinos, cerdos, aves, ovejas, caballos, perros, "
        "gatos… Si fueron varias, escribilas todas.",
        aplica=activo,
    ),
    Paso(
        "ea_tratados",
        q("¿Cuántos animales se trataron con el producto? (ej. 50)" + NO_SE),
        _tratados,
        _AYUDA_NUMERO,
        aplica=activo,
    ),
    Paso("ea_afectados", _pregunta_afectados, _afectados, _AYUDA_NUMERO, aplica=activo),
    Paso(
        "ea_muertos",
        q("¿Cuántos murieron? (0 si ninguno)" + NO_SE),
        _muertos,
        _AYUDA_NUMERO,
        aplica=activo,
    ),
    Paso(
        "ea_dosis",
        q("¿Qué dosis y por qué vía se aplicó? (ej. 5 ml intramuscular por animal)" + NO_SE),
        _dosis,
        "Cuánto producto por animal y cómo: intramuscular (IM), subcutánea (SC), oral, pour-on…",
        aplica=activo,
    ),
    Paso(
        "ea_via",
        q("¿Por qué vía se aplicó? Elegí de la lista" + NO_SE),
        _via,
        "Intramuscular es en el músculo; subcutánea, bajo la piel; pour-on, sobre el lomo.",
        lambda _r: VIAS,
        aplica=activo,
    ),
    Paso(
        "ea_fecha",
        q("¿Qué día se aplicó el producto? (ej. ayer, el lunes, 15/11)" + NO_SE),
        _fecha,
        "Podés escribir «ayer», «el lunes», «hace 3 días» o una fecha como 15/11/2025.",
        aplica=activo,
    ),
    Paso(
        "ea_desenlace",
        q("¿Cómo siguen los animales afectados?"),
        _desenlace,
        "Cómo están hoy los animales que tuvieron problemas. Si no sabés, tocá «No sé».",
        lambda _r: DESENLACES,
        aplica=activo,
    ),
)


def evaluar(texto: str, r: dict[str, Any], reglas: Path | None) -> None:
    """Runs triage on the story: flags it, or forgets earlier adverse-event answers when it no longer applies."""
    r[FLAG] = clasificar(texto, cargar_reglas(reglas)).evento_adverso
    if not r[FLAG]:
        for clave in CLAVES:
            r.pop(clave, None)


def faltan(r: dict[str, Any]) -> bool:
    """Flagged, but the questions were never answered (e.g. the story changed during a correction)."""
    return activo(r) and any(c not in r for c in CLAVES if c != "ea_via")


def vigente(clave: str, r: dict[str, Any]) -> bool:
    return clave not in CLAVES or activo(r)


# ---------------------------------------------------------------- corrections, summary, the case
CORREGIR = Opcion("evento_adverso", "Evento adverso", ("evento adverso", "animales", "evento"))
CORRECCIONES = (
    Opcion("ea_especie", "Especie", ("especie",)),
    Opcion("ea_animales", "Cantidad de animales", ("cantidad", "animales", "cantidades")),
    Opcion("ea_dosis", "Dosis y vía", ("dosis", "via")),
    Opcion("ea_fecha", "Fecha de aplicación", ("fecha", "aplicacion")),
    Opcion("ea_desenlace", "Cómo siguen", ("desenlace", "como siguen")),
)
GRUPOS = {
    "ea_animales": ("ea_tratados", "ea_afectados", "ea_muertos"),
    "ea_dosis": ("ea_dosis", "ea_via"),
}


def _titulo(opciones: tuple[Opcion, ...], valor: str | None) -> str:
    return next((o.titulo for o in opciones if o.id == valor), valor or "-")


def _n(valor: int | None) -> str:
    return "-" if valor is None else str(valor)


def resumen(r: dict[str, Any]) -> list[str]:
    if not activo(r):
        return []
    fecha = r.get("ea_fecha")
    return [
        f"Evento adverso: especie {r.get('ea_especie') or '-'}; animales tratados "
        f"{_n(r.get('ea_tratados'))}, afectados {_n(r.get('ea_afectados'))}, muertos "
        f"{_n(r.get('ea_muertos'))}",
        f"Dosis: {r.get('ea_dosis') or '-'}; vía: {_titulo(VIAS, r.get('ea_via'))}; aplicado: "
        f"{date.fromisoformat(fecha).strftime('%d/%m/%Y') if fecha else '-'}; cómo siguen: "
        f"{_titulo(DESENLACES, r.get('ea_desenlace'))}",
    ]


def datos(r: dict[str, Any]) -> dict[str, Any] | None:
    """The DatosEventoAdverso block; skipped answers stay null (the case detail lists them as missing)."""
    if not activo(r):
        return None
    return {
        "especie": r.get("ea_especie"),
        "animales_tratados": r.get("ea_tratados"),
        "animales_afectados": r.get("ea_afectados"),
        "animales_muertos": r.get("ea_muertos"),
        "dosis": r.get("ea_dosis"),
        "via_administracion": r.get("ea_via"),
        "fecha_aplicacion": r.get("ea_fecha"),
        "desenlace": r.get("ea_desenlace"),
    }
