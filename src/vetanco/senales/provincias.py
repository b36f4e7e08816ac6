"""Which Argentine province a free-text place names: the last province (or known town) mentioned.

Cases have no province field: `donde_ocurrio` is read first, the client's address second. The
rightmost mention wins because addresses end with the locality ("Av. Córdoba 1234, CABA").
"""

from __future__ import annotations

import re
from functools import cache

from vetanco.text import fold

CABA = "Ciudad Autónoma de Buenos Aires"

_ALIAS: dict[str, tuple[str, ...]] = {
    CABA: ("caba", "c.a.b.a.", "capital federal", "ciudad autonoma de buenos aires"),
    "Buenos Aires": ("buenos aires", "bs as", "bs. as.", "bsas", "pba"),
    "Catamarca": ("catamarca",),
    "Chaco": ("chaco", "resistencia"),
    "Chubut": ("chubut", "trelew", "rawson", "comodoro rivadavia", "puerto madryn", "esquel"),
    "Córdoba": (
        "cordoba",
        "rio cuarto",
        "villa maria",
        "marcos juarez",
        "jesus maria",
        "laboulaye",
        "bell ville",
    ),
    "Corrientes": ("corrientes", "goya", "curuzu cuatia"),
    "Entre Ríos": ("entre rios", "parana", "gualeguaychu", "concordia", "villaguay"),
    "Formosa": ("formosa",),
    "Jujuy": ("jujuy",),
    "La Pampa": ("la pampa", "santa rosa", "general pico", "realico"),
    "La Rioja": ("la rioja",),
    "Mendoza": ("mendoza", "san rafael", "general alvear"),
    "Misiones": ("misiones", "posadas", "obera"),
    "Neuquén": ("neuquen",),
    "Río Negro": ("rio negro", "viedma", "bariloche", "general roca", "cipolletti"),
    "Salta": ("salta", "oran", "tartagal"),
    "San Juan": ("san juan",),
    "San Luis": ("san luis", "villa mercedes"),
    "Santa Cruz": ("santa cruz", "rio gallegos"),
    "Santa Fe": (
        "santa fe",
        "rosario",
        "rafaela",
        "venado tuerto",
        "reconquista",
        "casilda",
    ),
    "Santiago del Estero": ("santiago del estero",),
    "Tierra del Fuego": ("tierra del fuego", "ushuaia"),
    "Tucumán": ("tucuman",),
}

_BUENOS_AIRES_LOCALIDADES = (
    "tandil",
    "olavarria",
    "bahia blanca",
    "mar del plata",
    "la plata",
    "pergamino",
    "trenque lauquen",
    "balcarce",
    "necochea",
    "tres arroyos",
    "chivilcoy",
    "bragado",
    "ayacucho",
    "rauch",
    "chascomus",
    "saladillo",
    "pehuajo",
    "carlos casares",
    "bolivar",
    "coronel suarez",
    "general villegas",
    "san antonio de areco",
    "lujan",
)


@cache
def _patron() -> tuple[re.Pattern[str], dict[str, str]]:
    nombres: dict[str, str] = {}
    for provincia, alias in _ALIAS.items():
        for a in alias:
            nombres[fold(a)] = provincia
    for localidad in _BUENOS_AIRES_LOCALIDADES:
        nombres[localidad] = "Buenos Aires"
    # Longest first so "ciudad autonoma de buenos aires" wins over "buenos aires".
    alternativas = sorted(nombres, key=len, reverse=True)
    patron = re.compile(
        r"(?<![\w.])(" + "|".join(re.escape(a) for a in alternativas) + r")(?![\w])"
    )
    return patron, nombres


def provincia_de(*textos: str | None) -> str | None:
    """The province of the first text that names one; None when none does."""
    patron, nombres = _patron()
    for texto in textos:
        if not texto:
            continue
        hallados = list(patron.finditer(fold(texto)))
        if hallados:
            return nombres[hallados[-1].group(1)]
    return None
