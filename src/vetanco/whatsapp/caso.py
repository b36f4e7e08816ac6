"""From the bot's answers to the same CasoCreate the REST API takes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from vetanco.casos.schemas import CasoCreate, DescripcionIn, ProductoIn
from vetanco.clientes.schemas import ClienteCreate
from vetanco.whatsapp import evento_adverso

RELATO_EN_RESUMEN = 300  # a button message's body holds 1024 characters


def caso_desde_respuestas(datos: dict[str, Any], *, telefono: str) -> CasoCreate:
    r = datos["r"]
    colaborador = r.get("colaborador") if r.get("registrante") == "colaborador" else None
    cantidad = r.get("cantidad") or {}
    libre = [f"Tipo indicado por quien reporta: {r.get('tipo')}."]
    if r.get("descripcion_libre"):
        libre.append(str(r["descripcion_libre"]))
    return CasoCreate.model_validate(
        {
            "tipo_usuario_registro": "colaborador_vetanco" if colaborador else "cliente",
            "colaborador_id": colaborador["id"] if colaborador else None,
            "cliente": ClienteCreate(
                nombre_apellido=r.get("nombre_apellido"),
                razon_social=r.get("razon_social"),
                cuit=r.get("cuit"),
                telefono=r.get("telefono") or "+" + telefono,
                email=r.get("email"),
            ),
            "producto": ProductoIn(
                nombre_producto=r["producto"],
                presentacion=r.get("presentacion"),
                numero_lote=r.get("numero_lote"),
                fecha_vencimiento=r.get("fecha_vencimiento"),
                estado_producto=r.get("estado_producto"),
                cantidad_afectada=cantidad.get("cantidad"),
                unidad_medida=cantidad.get("unidad"),
            ),
            "descripcion": DescripcionIn(
                que_sucedio=r["que_sucedio"],
                donde_ocurrio=r.get("donde_ocurrio"),
                cuando_ocurrio=r.get("cuando_ocurrio"),
                descripcion_libre=" ".join(libre),
            ),
            "canal": "whatsapp",
            "evento_adverso": evento_adverso.datos(r),
        }
    )


def _fecha_legible(value: str | None) -> str:
    return datetime.fromisoformat(value).strftime("%d/%m/%Y") if value else "-"


def _corto(texto: str | None) -> str:
    texto = texto or "-"
    return texto if len(texto) <= RELATO_EN_RESUMEN else texto[: RELATO_EN_RESUMEN - 1] + "…"


def resumen(datos: dict[str, Any]) -> str:
    """What the person confirms before the case is filed."""
    r = datos["r"]
    cantidad = r.get("cantidad") or {}
    lineas = [
        f"Tipo: {r.get('tipo')}",
        f"Cliente: {r.get('nombre_apellido') or '-'} / {r.get('razon_social') or '-'} / CUIT {r.get('cuit') or '-'}",
        f"Contacto: {r.get('telefono') or '-'} / {r.get('email') or '-'}",
        f"Producto: {r.get('producto')} {r.get('presentacion') or ''} lote {r.get('numero_lote') or '-'} vence {r.get('fecha_vencimiento') or '-'}",
        f"Estado del producto: {r.get('estado_producto')}; cantidad: {cantidad.get('cantidad', '-')} {cantidad.get('unidad', '')}",
        f"Qué pasó: {_corto(r.get('que_sucedio'))}",
        *evento_adverso.resumen(r),
        f"Dónde: {r.get('donde_ocurrio') or '-'}; cuándo: {_fecha_legible(r.get('cuando_ocurrio'))}",
        f"Adjuntos: {len(datos.get('adjuntos', []))}",
    ]
    return "Revisá el resumen:\n" + "\n".join(lineas) + "\n¿Está todo bien?"
