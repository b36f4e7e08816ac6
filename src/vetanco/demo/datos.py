"""Realistic Argentine material for demo cases: products, species, places, stories."""

from __future__ import annotations

PRODUCTOS = (
    ("Vetancilina", "100 ml"),
    ("Vetancilina", "250 ml"),
    ("Fosbac Plus T", "1 kg"),
    ("Vitamina E Selenio", "100 ml"),
    ("Enrofloxacina 10 %", "1 l"),
    ("Complejo B inyectable", "50 ml"),
    ("Electrolitos solubles", "5 kg"),
    ("Ivermectina 1 %", "500 ml"),
    ("Sulfatrim", "1 kg"),
    ("Oxitetraciclina LA", "100 ml"),
    ("Amoxicilina polvo soluble", "1 kg"),
    ("Tilosina 20 %", "250 ml"),
)
ESPECIES = ("bovinos", "terneros", "cerdos", "pollos", "gallinas", "ovejas", "vacas")
LOCALIDADES = (
    ("Pergamino", "Buenos Aires"),
    ("Rafaela", "Santa Fe"),
    ("Venado Tuerto", "Santa Fe"),
    ("Río Cuarto", "Córdoba"),
    ("Marcos Juárez", "Córdoba"),
    ("Tandil", "Buenos Aires"),
    ("Crespo", "Entre Ríos"),
    ("Concepción del Uruguay", "Entre Ríos"),
    ("San Pedro", "Buenos Aires"),
    ("General Pico", "La Pampa"),
)
NOMBRES = (
    "Juan",
    "María",
    "Carlos",
    "Ana",
    "Jorge",
    "Lucía",
    "Roberto",
    "Silvia",
    "Martín",
    "Laura",
    "Diego",
    "Paula",
    "Sergio",
    "Graciela",
    "Pablo",
    "Verónica",
    "Ricardo",
    "Marcela",
)
APELLIDOS = (
    "Pérez",
    "González",
    "Rodríguez",
    "Fernández",
    "López",
    "Martínez",
    "Gómez",
    "Díaz",
    "Sánchez",
    "Romero",
    "Sosa",
    "Álvarez",
    "Torres",
    "Ruiz",
    "Ramírez",
    "Benítez",
    "Acosta",
)
ESTABLECIMIENTOS = (
    "Estancia La {a}",
    "Granja Don {n}",
    "Agropecuaria {a} Hnos.",
    "Tambo Santa {n}",
    "Criadero El {a}",
    "Cabaña {a}",
)
CARGOS = ("Representante técnico", "Analista de calidad", "Veterinario de campo")

HISTORIAS: dict[tuple[str, str | None], tuple[str, ...]] = {
    ("reclamo", "critico"): (
        "{k} {e} murieron después de aplicar {p} lote {l}.",
        "Tras la dosis de {p} (lote {l}) {k} {e} convulsionaron y murieron en el corral.",
        "Reacción grave en {k} {e}: se hincharon y no se levantan después de {p} lote {l}.",
    ),
    ("reclamo", "mayor"): (
        "El frasco de {p} lote {l} vino con partículas flotando y color turbio.",
        "Aplicamos {p} lote {l} y no hizo efecto en {k} {e}, siguen con fiebre.",
        "El envase de {p} lote {l} llegó roto y pierde líquido.",
    ),
    ("reclamo", "menor"): (
        "La etiqueta de {p} lote {l} está despegada y no se lee el vencimiento.",
        "La caja de {p} llegó golpeada pero los frascos están bien, lote {l}.",
        "El tapón de {p} lote {l} cuesta mucho de perforar.",
    ),
    ("queja", None): (
        "El pedido de {p} llegó con una semana de demora.",
        "Nadie me contestó el reclamo anterior sobre {p}, estoy esperando hace días.",
        "El distribuidor me cobró de más el {p}.",
    ),
    ("comentario", None): (
        "Muy conforme con {p}, los {e} respondieron bien.",
        "Quería saber si {p} se puede usar en {e} preñadas.",
        "Sugiero que {p} venga en una presentación más chica.",
    ),
    ("pendiente_clasificacion", None): (
        "Tengo un problema con {p} lote {l}, necesito que me llamen.",
        "Les escribo por el {p} que compramos el mes pasado, lote {l}.",
    ),
}
CAUSAS = (
    "Desvío de temperatura en el transporte del distribuidor.",
    "Falla de sellado en la línea de envasado.",
    "Aplicación fuera de la dosis indicada en el prospecto.",
    "Sin desvío de calidad: el lote cumple especificaciones.",
)
