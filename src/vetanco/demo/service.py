"""Fills a database with realistic demo cases fast, with bulk inserts instead of the case service."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session
from stdnum.ar import cuit as stdnum_cuit

from vetanco.casos.enums import TipoCaso
from vetanco.casos.models import Caso, Clasificacion, ProductoAfectado, SecuenciaCaso
from vetanco.casos.service import numero_caso
from vetanco.clientes.models import Cliente
from vetanco.colaboradores.models import Colaborador
from vetanco.demo import datos
from vetanco.demo.escritura import busqueda_en_bloque, escribir
from vetanco.demo.filas import ACTOR, Historial, Plegado, id_ordenado, investigacion, relojes
from vetanco.demo.plazos import Plazos
from vetanco.estadisticas import acumulado
from vetanco.investigaciones.models import Investigacion
from vetanco.politicas import Politicas
from vetanco.productos import service as productos_service
from vetanco.productos.models import Producto
from vetanco.productos.schemas import ProductoFila, clave_producto
from vetanco.text import fold

TIPOS = (
    (("reclamo", "critico"), 0.05),
    (("reclamo", "mayor"), 0.20),
    (("reclamo", "menor"), 0.20),
    (("queja", None), 0.25),
    (("comentario", None), 0.25),
    (("pendiente_clasificacion", None), 0.05),
)
CANALES = (("whatsapp", 0.55), ("telefono", 0.15), ("email", 0.15), ("web", 0.1), ("api", 0.05))
_TIPOS = [t for t, _ in TIPOS]
_TIPOS_ACUMULADO = list(accumulate(w for _, w in TIPOS))
_CANALES = [c for c, _ in CANALES]
_CANALES_ACUMULADO = list(accumulate(w for _, w in CANALES))
RESOLUCION = "Se respondió al cliente y se cerró el seguimiento."


@dataclass(slots=True)
class Lote:
    """One batch's rows per table, inserted together (parents first: the order rows arrive)."""

    filas: dict[type[Any], list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, model: type[Any], row: dict[str, Any]) -> None:
        self.filas.setdefault(model, []).append(row)


class Sembrador:
    """Deterministic for a given seed, so two runs of a benchmark see the same data."""

    def __init__(self, *, casos: int, semilla: int, anios: float, politicas: Politicas) -> None:
        self.total = casos
        self.rng = random.Random(semilla)
        self.politicas = politicas
        self.fin = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
        self.inicio = self.fin - timedelta(days=365 * anios)
        self.clientes: list[uuid.UUID] = []
        self.colaboradores: list[uuid.UUID] = []
        self.lotes = [
            (self.rng.choice(datos.PRODUCTOS), self._lote_nuevo())
            for _ in range(max(20, casos // 40))
        ]
        self.plazos = Plazos(
            politicas.calendario,
            desde=self.inicio.date() - timedelta(days=1),
            hasta=self.fin.date() + timedelta(days=365),
        )
        self._plegado = Plegado()
        self.hechos = 0

    def _lote_nuevo(self) -> str:
        letras = "".join(self.rng.choices("ABCDEFGHJKLMNPRSTV", k=3))
        return f"{letras}{self.rng.randint(100, 999)}"

    def _cuit(self, n: int) -> str:
        base = (
            f"{self.rng.choice(('20', '27', '30', '33'))}{10_000_000 + n * 7919 % 89_999_999:08d}"
        )
        return stdnum_cuit.format(base + stdnum_cuit.calc_check_digit(base))

    def _catalogo(self, session: Session) -> None:
        """The products the demo cases name, so the bot and the catalogue export agree with them."""
        existentes = set(session.scalars(select(Producto.clave)))
        for i, (nombre, presentacion) in enumerate(datos.PRODUCTOS, start=1):
            if clave_producto(nombre, presentacion) not in existentes:
                fila = ProductoFila(codigo=f"VET-{i:04d}", nombre=nombre, presentacion=presentacion)
                productos_service.guardar(session, fila=fila)

    def personas(self, session: Session) -> None:
        """Clients (one per ~10 cases) and a few staff; CUITs are valid and unique."""
        n = max(10, min(50_000, self.total // 10))
        usados = set(session.scalars(select(Cliente.cuit).where(Cliente.cuit.is_not(None))))
        filas: list[dict[str, Any]] = []
        for i in range(n):
            nombre = f"{self.rng.choice(datos.NOMBRES)} {self.rng.choice(datos.APELLIDOS)}"
            plantilla = self.rng.choice(datos.ESTABLECIMIENTOS)
            razon = plantilla.format(a=self.rng.choice(datos.APELLIDOS), n=nombre.split()[0])
            cuit = self._cuit(i)
            if cuit in usados:
                continue
            usados.add(cuit)
            localidad, provincia = self.rng.choice(datos.LOCALIDADES)
            telefono = f"+54 9 {self.rng.randint(2200, 3899)} {self.rng.randint(100000, 999999)}"
            filas.append(
                {
                    "id": uuid.uuid4(),
                    "nombre_apellido": nombre,
                    "razon_social": razon,
                    "cuit": cuit,
                    "direccion": f"Ruta {self.rng.randint(2, 99)} km {self.rng.randint(1, 400)}, "
                    f"{localidad}, {provincia}",
                    "telefono": telefono,
                    "telefono_digitos": "".join(c for c in telefono if c.isdigit()),
                    "email": f"{fold(nombre).replace(' ', '.')}{i}@ejemplo.com.ar",
                    "busqueda": fold(f"{nombre} {razon} {cuit}")[:500],
                    "created_at": self.inicio,
                    "updated_at": self.inicio,
                }
            )
        escribir(session, Cliente, filas)
        self._catalogo(session)
        self.clientes = [f["id"] for f in filas]
        staff: list[dict[str, Any]] = [
            {
                "id": uuid.uuid4(),
                "nombre": f"{self.rng.choice(datos.NOMBRES)} {self.rng.choice(datos.APELLIDOS)}",
                "cargo": self.rng.choice(datos.CARGOS),
                "activo": True,
                "created_at": self.inicio,
            }
            for _ in range(8)
        ]
        session.execute(insert(Colaborador), staff)
        self.colaboradores = [s["id"] for s in staff]

    def _caso(self, lote: Lote, numero: str, creado: datetime) -> None:
        rng = self.rng
        tipo, criticidad = rng.choices(_TIPOS, cum_weights=_TIPOS_ACUMULADO)[0]
        canal = rng.choices(_CANALES, cum_weights=_CANALES_ACUMULADO)[0]
        edad = (self.fin - creado).days
        abierto_p = 0.03 if edad > 60 else 0.4 if edad > 10 else 0.85
        estado = "nuevo"
        if tipo != "pendiente_clasificacion" and rng.random() >= abierto_p:
            estado = "cerrado" if rng.random() < 0.6 else "resuelto"
        elif tipo == "reclamo" and rng.random() < 0.6:
            estado = "en_investigacion"
        (producto, presentacion), numero_lote = rng.choice(self.lotes)
        especie = rng.choice(datos.ESPECIES)
        historia, plegada, huella = self._plegado.historia(
            rng.choice(datos.HISTORIAS[(tipo, criticidad)]),
            p=producto,
            l=numero_lote,
            e=especie,
            k=rng.randint(2, 40),
        )
        respuesta = creado + timedelta(minutes=rng.randint(5, 60 * 48))
        clasificado = None if tipo == "pendiente_clasificacion" else respuesta
        abierto = estado in ("nuevo", "en_investigacion")
        resuelto: datetime | None = None
        cerrado_at: datetime | None = None
        if not abierto:
            resuelto = min(creado + timedelta(hours=rng.randint(8, 24 * 40)), self.fin)
        if resuelto and estado == "cerrado":
            cerrado_at = min(resuelto + timedelta(days=rng.randint(1, 10)), self.fin)
        en_investigacion = respuesta + timedelta(hours=2)
        investigado = tipo == "reclamo" and estado != "nuevo"
        ids = id_ordenado(rng, creado)
        caso: dict[str, Any] = {
            "id": ids(),
            "numero_caso": numero,
            "tipo_caso": tipo,
            "criticidad": criticidad,
            "justificacion": None,
            "estado": estado,
            "canal": canal,
            "tipo_usuario_registro": "cliente" if canal == "whatsapp" else "colaborador_vetanco",
            "cliente_id": rng.choice(self.clientes),
            "colaborador_id": None,
            "que_sucedio": historia,
            "que_sucedio_hash": huella,
            "busqueda": self._plegado.busqueda(numero, plegada, producto, numero_lote),
            "donde_ocurrio": ", ".join(rng.choice(datos.LOCALIDADES)),
            "cuando_ocurrio": creado - timedelta(hours=rng.randint(1, 96)),
            "registrado_por": ACTOR,
            "evento_adverso": criticidad == "critico",
            "primera_respuesta_at": respuesta,
            "created_at": creado,
            "updated_at": cerrado_at or resuelto or respuesta,
            "clasificado_at": clasificado,
            "en_investigacion_at": en_investigacion if investigado else None,
            "resuelto_at": resuelto,
            "cerrado_at": cerrado_at,
        }
        if tipo == "reclamo":
            caso["justificacion"] = (
                "pendiente_investigacion"
                if abierto
                else rng.choice(("justificado", "no_justificado"))
            )
        caso["resolucion"] = RESOLUCION if resuelto else None
        lote.add(Caso, caso)
        lote.add(
            ProductoAfectado,
            {
                "id": ids(),
                "caso_id": caso["id"],
                "orden": 0,
                "nombre_producto": producto,
                "producto_clave": self._plegado.pieza(producto),
                "presentacion": presentacion,
                "numero_lote": numero_lote,
                "fecha_vencimiento": date(creado.year + 2, rng.randint(1, 12), 1),
                "estado_producto": rng.choice(("usado", "sin_usar", "parcialmente_usado")),
                "cantidad_afectada": float(rng.randint(1, 20)),
                "unidad_medida": "unidades",
            },
        )
        historial = Historial(lote.add, ids, caso["id"])
        historial.paso(
            creado,
            "creado",
            {
                "numero_caso": {"antes": None, "despues": numero},
                "tipo_caso": {"antes": None, "despues": TipoCaso.pendiente_clasificacion.value},
                "estado": {"antes": None, "despues": "nuevo"},
                "canal": {"antes": None, "despues": canal},
            },
        )
        if clasificado:
            cambios: dict[str, Any] = {
                "tipo_caso": {"antes": "pendiente_clasificacion", "despues": tipo}
            }
            if criticidad:
                cambios["criticidad"] = {"antes": None, "despues": criticidad}
            historial.paso(clasificado, "clasificado", cambios)
            lote.add(
                Clasificacion,
                {
                    "id": ids(),
                    "caso_id": caso["id"],
                    "tipo_caso_anterior": "pendiente_clasificacion",
                    "tipo_caso": tipo,
                    "criticidad": criticidad,
                    "justificacion": "pendiente_investigacion" if tipo == "reclamo" else None,
                    "motivo": "clasificación de la bandeja",
                    "actor": ACTOR,
                    "created_at": clasificado,
                },
            )
        if investigado:
            fila = investigacion(
                rng, ids(), caso["id"], self.colaboradores, inicio=en_investigacion, fin=resuelto
            )
            lote.add(Investigacion, fila)
            historial.paso(
                en_investigacion, "estado_actualizado", _estado("nuevo", "en_investigacion")
            )
        previo = "en_investigacion" if investigado else "nuevo"
        if resuelto:
            historial.paso(resuelto, "estado_actualizado", _estado(previo, "resuelto"))
        if cerrado_at:
            historial.paso(cerrado_at, "estado_actualizado", _estado("resuelto", "cerrado"))
        relojes(
            lote.add,
            ids,
            caso,
            cerrado=resuelto,
            politicas=self.politicas,
            vence=self.plazos.sumar_horas,
        )

    def siguiente_lote(self, session: Session, *, tamano: int) -> int:
        """Inserts the next cases in creation order; returns how many (0 when all are in)."""
        paso = (self.fin - self.inicio) / max(1, self.total)
        siguiente = _ultimos(session)
        lote = Lote()
        n = min(tamano, self.total - self.hechos)
        for i in range(self.hechos, self.hechos + n):
            creado = self.inicio + paso * i + timedelta(seconds=self.rng.randint(0, 59))
            creado = min(creado, self.fin)
            siguiente[creado.year] = siguiente.get(creado.year, 0) + 1
            self._caso(lote, numero_caso(creado.year, siguiente[creado.year]), creado)
        with busqueda_en_bloque(session):
            for model, filas in lote.filas.items():
                escribir(session, model, filas)
        _guardar_secuencias(session, siguiente)
        dias = {c["created_at"].date() for c in lote.filas.get(Caso, [])}
        acumulado.recalcular(session, dias=sorted(dias))
        self.hechos += n
        return n


def _estado(antes: str, despues: str) -> dict[str, Any]:
    return {"estado": {"antes": antes, "despues": despues}}


def _ultimos(session: Session) -> dict[int, int]:
    return {s.anio: s.ultimo for s in session.scalars(select(SecuenciaCaso))}


def _guardar_secuencias(session: Session, ultimos: dict[int, int]) -> None:
    existentes = set(session.scalars(select(SecuenciaCaso.anio)))
    for anio, ultimo in ultimos.items():
        if anio in existentes:
            session.execute(
                update(SecuenciaCaso).where(SecuenciaCaso.anio == anio).values(ultimo=ultimo)
            )
        else:
            session.execute(insert(SecuenciaCaso).values(anio=anio, ultimo=ultimo))
    session.flush()
