"""Fills a database with realistic demo cases fast, with bulk inserts instead of the case service."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session
from stdnum.ar import cuit as stdnum_cuit

from vetanco.casos.enums import TipoCaso
from vetanco.casos.historial import GENESIS, digest
from vetanco.casos.models import (
    Caso,
    Clasificacion,
    HistorialCaso,
    ProductoAfectado,
    SecuenciaCaso,
)
from vetanco.casos.service import numero_caso
from vetanco.clientes.models import Cliente
from vetanco.colaboradores.models import Colaborador
from vetanco.demo import datos
from vetanco.estadisticas import acumulado
from vetanco.investigaciones.models import Investigacion
from vetanco.politicas import Politicas
from vetanco.productos import service as productos_service
from vetanco.productos.models import Producto
from vetanco.productos.schemas import ProductoFila, clave_producto
from vetanco.sla.models import RelojCaso
from vetanco.text import fingerprint, fold

ACTOR = "demo"
TIPOS = (
    (("reclamo", "critico"), 0.05),
    (("reclamo", "mayor"), 0.20),
    (("reclamo", "menor"), 0.20),
    (("queja", None), 0.25),
    (("comentario", None), 0.25),
    (("pendiente_clasificacion", None), 0.05),
)
CANALES = (("whatsapp", 0.55), ("telefono", 0.15), ("email", 0.15), ("web", 0.1), ("api", 0.05))


@dataclass(slots=True)
class Lote:
    """One batch's rows per table, inserted together."""

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
        self._vence_cache: dict[tuple[datetime, float], datetime] = {}
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
        session.execute(insert(Cliente), filas)
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

    def _vence(self, inicio: datetime, horas: float) -> datetime:
        """Business-hour arithmetic is the slow part; cases starting in the same hour share it."""
        hora = inicio.replace(minute=0, second=0)
        key = (hora, horas)
        if key not in self._vence_cache:
            self._vence_cache[key] = self.politicas.calendario.sumar_horas(hora, horas)
        return self._vence_cache[key] + (inicio - hora)

    def _relojes(self, lote: Lote, caso: dict[str, Any], cerrado: datetime | None) -> None:
        politica = caso["criticidad"] if caso["tipo_caso"] == "reclamo" else caso["tipo_caso"]
        objetivo = self.politicas.objetivos[politica]
        horas = {
            "primera_respuesta": objetivo.primera_respuesta_horas,
            "resolucion": objetivo.resolucion_dias * self.politicas.calendario.horas_por_dia,
        }
        riesgo = 1 - self.politicas.riesgo_fraccion
        relojes = []
        for tipo, objetivo_horas in horas.items():
            cumplido = caso["primera_respuesta_at"] if tipo == "primera_respuesta" else cerrado
            reloj = {
                "id": uuid.uuid4(),
                "caso_id": caso["id"],
                "tipo": tipo,
                "politica": politica,
                "habiles": True,
                "objetivo_horas": objetivo_horas,
                "inicio": caso["created_at"],
                "vence": self._vence(caso["created_at"], objetivo_horas),
                "riesgo_desde": self._vence(caso["created_at"], objetivo_horas * riesgo),
                "pausa_horas": 0.0,
                "cumplido_at": cumplido,
                "created_at": caso["created_at"],
                "updated_at": cumplido or caso["created_at"],
            }
            lote.add(RelojCaso, reloj)
            relojes.append(reloj)
        en_curso = [r for r in relojes if r["cumplido_at"] is None]
        caso["sla_vence"] = min((r["vence"] for r in en_curso), default=None)
        caso["sla_riesgo_desde"] = min((r["riesgo_desde"] for r in en_curso), default=None)
        caso["sla_incumplido"] = any(
            r["cumplido_at"] is not None and r["cumplido_at"] > r["vence"] for r in relojes
        )

    def _historial(
        self, lote: Lote, caso: dict[str, Any], pasos: list[tuple[datetime, str, dict[str, Any]]]
    ) -> None:
        anterior = GENESIS
        for secuencia, (cuando, accion, cambios) in enumerate(pasos, start=1):
            fila = {
                "id": uuid.uuid4(),
                "caso_id": caso["id"],
                "secuencia": secuencia,
                "accion": accion,
                "actor": ACTOR,
                "colaborador_id": None,
                "cambios": cambios,
                "motivo": None,
                "created_at": cuando,
                "hash_anterior": anterior,
            }
            fila["hash"] = anterior = digest(fila)
            lote.add(HistorialCaso, fila)

    def _caso(self, lote: Lote, numero: str, creado: datetime) -> None:
        rng = self.rng
        tipo, criticidad = rng.choices([t for t, _ in TIPOS], weights=[w for _, w in TIPOS])[0]
        canal = rng.choices([c for c, _ in CANALES], weights=[w for _, w in CANALES])[0]
        edad = (self.fin - creado).days
        abierto_p = 0.03 if edad > 60 else 0.4 if edad > 10 else 0.85
        estado = "nuevo"
        if tipo != "pendiente_clasificacion" and rng.random() >= abierto_p:
            estado = "cerrado" if rng.random() < 0.6 else "resuelto"
        elif tipo == "reclamo" and rng.random() < 0.6:
            estado = "en_investigacion"
        (producto, presentacion), numero_lote = rng.choice(self.lotes)
        especie = rng.choice(datos.ESPECIES)
        historia = rng.choice(datos.HISTORIAS[(tipo, criticidad)]).format(
            p=producto, l=numero_lote, e=especie, k=rng.randint(2, 40)
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
        caso = {
            "id": uuid.uuid4(),
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
            "que_sucedio_hash": fingerprint(historia),
            "busqueda": fold(f"{numero} {historia} {producto} {numero_lote}"),
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
        caso["resolucion"] = (
            "Se respondió al cliente y se cerró el seguimiento." if resuelto else None
        )
        lote.add(Caso, caso)
        lote.add(
            ProductoAfectado,
            {
                "id": uuid.uuid4(),
                "caso_id": caso["id"],
                "orden": 0,
                "nombre_producto": producto,
                "producto_clave": fold(producto),
                "presentacion": presentacion,
                "numero_lote": numero_lote,
                "fecha_vencimiento": date(creado.year + 2, rng.randint(1, 12), 1),
                "estado_producto": rng.choice(("usado", "sin_usar", "parcialmente_usado")),
                "cantidad_afectada": float(rng.randint(1, 20)),
                "unidad_medida": "unidades",
            },
        )
        pasos: list[tuple[datetime, str, dict[str, Any]]] = [
            (
                creado,
                "creado",
                {
                    "numero_caso": {"antes": None, "despues": numero},
                    "tipo_caso": {"antes": None, "despues": TipoCaso.pendiente_clasificacion.value},
                    "estado": {"antes": None, "despues": "nuevo"},
                    "canal": {"antes": None, "despues": canal},
                },
            )
        ]
        if clasificado:
            cambios: dict[str, Any] = {
                "tipo_caso": {"antes": "pendiente_clasificacion", "despues": tipo}
            }
            if criticidad:
                cambios["criticidad"] = {"antes": None, "despues": criticidad}
            pasos.append((clasificado, "clasificado", cambios))
            lote.add(
                Clasificacion,
                {
                    "id": uuid.uuid4(),
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
            self._investigacion(lote, caso, inicio=en_investigacion, terminada=resuelto)
            pasos.append(
                (en_investigacion, "estado_actualizado", _estado("nuevo", "en_investigacion"))
            )
        previo = "en_investigacion" if investigado else "nuevo"
        if resuelto:
            pasos.append((resuelto, "estado_actualizado", _estado(previo, "resuelto")))
        if cerrado_at:
            pasos.append((cerrado_at, "estado_actualizado", _estado("resuelto", "cerrado")))
        self._historial(lote, caso, pasos)
        self._relojes(lote, caso, resuelto)

    def _investigacion(
        self, lote: Lote, caso: dict[str, Any], *, inicio: datetime, terminada: datetime | None
    ) -> None:
        lote.add(
            Investigacion,
            {
                "id": uuid.uuid4(),
                "caso_id": caso["id"],
                "investigador_id": self.rng.choice(self.colaboradores),
                "estado": "completada" if terminada else "en_proceso",
                "fecha_inicio": inicio,
                "fecha_fin": terminada,
                "hallazgos": "Se revisó la muestra de retención del lote.",
                "causa_raiz": self.rng.choice(datos.CAUSAS) if terminada else None,
                "acciones_correctivas": "Reposición al cliente." if terminada else None,
                "acciones_preventivas": "Refuerzo del control de despacho." if terminada else None,
                "created_at": inicio,
                "updated_at": terminada or inicio,
            },
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
        for model, filas in lote.filas.items():
            session.execute(insert(model.__table__), filas)
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
