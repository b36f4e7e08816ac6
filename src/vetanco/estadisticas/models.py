"""Per-day totals kept beside the cases, so statistics over years never scan every case."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from vetanco.db import Base, UTCDateTime, utcnow


class ResumenCasosDia(Base):
    """Cases created on a UTC day, by tipo, criticidad ('' when none) and estado."""

    __tablename__ = "resumen_casos_dia"

    dia: Mapped[date] = mapped_column(Date, primary_key=True)
    tipo_caso: Mapped[str] = mapped_column(String(30), primary_key=True)
    criticidad: Mapped[str] = mapped_column(String(20), primary_key=True)
    estado: Mapped[str] = mapped_column(String(20), primary_key=True)
    casos: Mapped[int] = mapped_column(Integer)
    resueltos: Mapped[int] = mapped_column(Integer)
    horas_resolucion: Mapped[float] = mapped_column(Float)


class ResumenProductoDia(Base):
    """Reclamos of a UTC day naming each product (a case counts once per product)."""

    __tablename__ = "resumen_productos_dia"

    dia: Mapped[date] = mapped_column(Date, primary_key=True)
    producto_clave: Mapped[str] = mapped_column(String(200), primary_key=True)
    nombre_producto: Mapped[str] = mapped_column(String(200))
    reclamos: Mapped[int] = mapped_column(Integer)


class ResumenLoteDia(Base):
    """Reclamos and críticos of a UTC day naming each lot of each product."""

    __tablename__ = "resumen_lotes_dia"
    __table_args__ = (
        Index(
            "ix_resumen_lotes_dia_lote",
            "producto_clave",
            "lote",
            "dia",
            "reclamos",
            "criticos",
            "nombre_producto",
        ),
    )

    dia: Mapped[date] = mapped_column(Date, primary_key=True)
    producto_clave: Mapped[str] = mapped_column(String(200), primary_key=True)
    lote: Mapped[str] = mapped_column(String(50), primary_key=True)
    nombre_producto: Mapped[str] = mapped_column(String(200))
    reclamos: Mapped[int] = mapped_column(Integer)
    criticos: Mapped[int] = mapped_column(Integer)


class ResumenSlaDia(Base):
    """Stopped SLA clocks of the cases of a UTC day; running clocks are counted live."""

    __tablename__ = "resumen_sla_dia"

    dia: Mapped[date] = mapped_column(Date, primary_key=True)
    tipo: Mapped[str] = mapped_column(String(30), primary_key=True)
    a_tiempo: Mapped[int] = mapped_column(Integer)
    tarde: Mapped[int] = mapped_column(Integer)


class ResumenPendiente(Base):
    """A day whose totals are stale, written with the change; append-only so writers never wait."""

    __tablename__ = "resumen_pendientes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dia: Mapped[date] = mapped_column(Date, index=True)
    marcado_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
