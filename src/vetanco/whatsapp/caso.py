"""From the bot's answers to the same CasoCreate the REST API takes."""

from __future__ import annotations

from typing import Any

from vetanco.casos.schemas import CasoCreate, DescripcionIn, ProductoIn
from vetanco.clientes.schemas import ClienteCreate


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
        }
    )
