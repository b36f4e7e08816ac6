"""Esquema inicial: claves, clientes, colaboradores, casos, historial e investigaciones.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("prefix", sa.String(length=20), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
        sa.UniqueConstraint("name", name=op.f("uq_api_keys_name")),
    )
    op.create_table(
        "clientes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("nombre_apellido", sa.String(length=200), nullable=True),
        sa.Column("razon_social", sa.String(length=200), nullable=True),
        sa.Column("cuit", sa.String(length=13), nullable=True),
        sa.Column("direccion", sa.String(length=300), nullable=True),
        sa.Column("telefono", sa.String(length=40), nullable=True),
        sa.Column("telefono_digitos", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("busqueda", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clientes")),
        sa.UniqueConstraint("cuit", name=op.f("uq_clientes_cuit")),
    )
    op.create_index("ix_clientes_telefono_digitos", "clientes", ["telefono_digitos"])

    op.create_table(
        "colaboradores",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("nombre", sa.String(length=200), nullable=False),
        sa.Column("cargo", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("telefono", sa.String(length=40), nullable=True),
        sa.Column("activo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_colaboradores")),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("api_key_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint("api_key_id", "key", name="uq_idempotency_keys_api_key_key"),
    )
    op.create_table(
        "secuencias_caso",
        sa.Column("anio", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("ultimo", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("anio", name=op.f("pk_secuencias_caso")),
    )
    op.create_table(
        "casos",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("numero_caso", sa.String(length=20), nullable=False),
        sa.Column("tipo_caso", sa.String(length=30), nullable=False),
        sa.Column("criticidad", sa.String(length=20), nullable=True),
        sa.Column("justificacion", sa.String(length=30), nullable=True),
        sa.Column("estado", sa.String(length=20), nullable=False),
        sa.Column("canal", sa.String(length=20), nullable=False),
        sa.Column("tipo_usuario_registro", sa.String(length=30), nullable=False),
        sa.Column("cliente_id", sa.Uuid(), nullable=False),
        sa.Column("colaborador_id", sa.Uuid(), nullable=True),
        sa.Column("que_sucedio", sa.Text(), nullable=False),
        sa.Column("que_sucedio_hash", sa.String(length=64), nullable=False),
        sa.Column("donde_ocurrio", sa.String(length=500), nullable=True),
        sa.Column("cuando_ocurrio", sa.DateTime(timezone=True), nullable=True),
        sa.Column("descripcion_libre", sa.Text(), nullable=True),
        sa.Column("numero_remito", sa.String(length=50), nullable=True),
        sa.Column("resolucion", sa.Text(), nullable=True),
        sa.Column("acciones_correctivas", sa.Text(), nullable=True),
        sa.Column("acciones_preventivas", sa.Text(), nullable=True),
        sa.Column("registrado_por", sa.String(length=150), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("clasificado_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("en_investigacion_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resuelto_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cerrado_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["cliente_id"], ["clientes.id"], name=op.f("fk_casos_cliente_id_clientes")
        ),
        sa.ForeignKeyConstraint(
            ["colaborador_id"],
            ["colaboradores.id"],
            name=op.f("fk_casos_colaborador_id_colaboradores"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casos")),
        sa.UniqueConstraint("numero_caso", name=op.f("uq_casos_numero_caso")),
    )
    op.create_index("ix_casos_cliente_id", "casos", ["cliente_id"])
    op.create_index("ix_casos_created_at", "casos", ["created_at"])
    op.create_index("ix_casos_dedup", "casos", ["que_sucedio_hash", "cliente_id"])
    op.create_index("ix_casos_estado", "casos", ["estado"])
    op.create_index("ix_casos_tipo_criticidad", "casos", ["tipo_caso", "criticidad"])

    op.create_table(
        "adjuntos",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("caso_id", sa.Uuid(), nullable=False),
        sa.Column("tipo", sa.String(length=20), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("nombre", sa.String(length=300), nullable=True),
        sa.Column("mime_type", sa.String(length=100), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["caso_id"], ["casos.id"], name=op.f("fk_adjuntos_caso_id_casos"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adjuntos")),
    )
    op.create_index("ix_adjuntos_caso_id", "adjuntos", ["caso_id"])

    op.create_table(
        "clasificaciones",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("caso_id", sa.Uuid(), nullable=False),
        sa.Column("tipo_caso_anterior", sa.String(length=30), nullable=False),
        sa.Column("tipo_caso", sa.String(length=30), nullable=False),
        sa.Column("criticidad", sa.String(length=20), nullable=True),
        sa.Column("justificacion", sa.String(length=30), nullable=True),
        sa.Column("motivo", sa.Text(), nullable=True),
        sa.Column("evidencias", sa.Text(), nullable=True),
        sa.Column("clasificado_por", sa.Uuid(), nullable=True),
        sa.Column("actor", sa.String(length=150), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["caso_id"],
            ["casos.id"],
            name=op.f("fk_clasificaciones_caso_id_casos"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["clasificado_por"],
            ["colaboradores.id"],
            name=op.f("fk_clasificaciones_clasificado_por_colaboradores"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clasificaciones")),
    )
    op.create_index("ix_clasificaciones_caso_id", "clasificaciones", ["caso_id"])

    op.create_table(
        "historial_casos",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("caso_id", sa.Uuid(), nullable=False),
        sa.Column("secuencia", sa.Integer(), nullable=False),
        sa.Column("accion", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=150), nullable=False),
        sa.Column("colaborador_id", sa.Uuid(), nullable=True),
        sa.Column("cambios", sa.JSON(), nullable=False),
        sa.Column("motivo", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hash_anterior", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["caso_id"], ["casos.id"], name=op.f("fk_historial_casos_caso_id_casos")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_historial_casos")),
        sa.UniqueConstraint("caso_id", "secuencia", name="uq_historial_casos_caso_secuencia"),
    )
    op.create_index("ix_historial_casos_caso_id", "historial_casos", ["caso_id"])

    op.create_table(
        "investigaciones",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("caso_id", sa.Uuid(), nullable=False),
        sa.Column("investigador_id", sa.Uuid(), nullable=False),
        sa.Column("estado", sa.String(length=20), nullable=False),
        sa.Column("fecha_inicio", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fecha_fin", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hallazgos", sa.Text(), nullable=True),
        sa.Column("evidencia_recolectada", sa.Text(), nullable=True),
        sa.Column("analisis_laboratorio", sa.Text(), nullable=True),
        sa.Column("causa_raiz", sa.Text(), nullable=True),
        sa.Column("acciones_correctivas", sa.Text(), nullable=True),
        sa.Column("acciones_preventivas", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["caso_id"],
            ["casos.id"],
            name=op.f("fk_investigaciones_caso_id_casos"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["investigador_id"],
            ["colaboradores.id"],
            name=op.f("fk_investigaciones_investigador_id_colaboradores"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_investigaciones")),
        sa.UniqueConstraint("caso_id", name=op.f("uq_investigaciones_caso_id")),
    )
    op.create_table(
        "productos_afectados",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("caso_id", sa.Uuid(), nullable=False),
        sa.Column("orden", sa.Integer(), nullable=False),
        sa.Column("nombre_producto", sa.String(length=200), nullable=False),
        sa.Column("producto_clave", sa.String(length=200), nullable=False),
        sa.Column("presentacion", sa.String(length=100), nullable=True),
        sa.Column("numero_lote", sa.String(length=50), nullable=True),
        sa.Column("fecha_vencimiento", sa.Date(), nullable=True),
        sa.Column("estado_producto", sa.String(length=30), nullable=True),
        sa.Column("cantidad_afectada", sa.Float(), nullable=True),
        sa.Column("unidad_medida", sa.String(length=30), nullable=True),
        sa.ForeignKeyConstraint(
            ["caso_id"],
            ["casos.id"],
            name=op.f("fk_productos_afectados_caso_id_casos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_productos_afectados")),
    )
    op.create_index("ix_productos_afectados_caso_id", "productos_afectados", ["caso_id"])
    op.create_index("ix_productos_afectados_clave", "productos_afectados", ["producto_clave"])
    op.create_index("ix_productos_afectados_lote", "productos_afectados", ["numero_lote"])

    _create_append_only_guard()


APPEND_ONLY_MESSAGE = "historial_casos es de solo agregado"


def _create_append_only_guard() -> None:
    """The audit trail refuses UPDATE and DELETE in the database itself, not only in code."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION historial_casos_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END; $$ LANGUAGE plpgsql"
        )
        for verb in ("update", "delete"):
            op.execute(
                f"CREATE TRIGGER historial_casos_no_{verb} BEFORE {verb.upper()} ON historial_casos "
                "FOR EACH ROW EXECUTE FUNCTION historial_casos_append_only()"
            )
    else:
        for verb in ("update", "delete"):
            op.execute(
                f"CREATE TRIGGER historial_casos_no_{verb} BEFORE {verb.upper()} ON historial_casos "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )


def _drop_append_only_guard() -> None:
    for verb in ("update", "delete"):
        op.execute(
            f"DROP TRIGGER IF EXISTS historial_casos_no_{verb}"
            + (" ON historial_casos" if op.get_bind().dialect.name == "postgresql" else "")
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS historial_casos_append_only()")


def downgrade() -> None:
    _drop_append_only_guard()
    op.drop_index("ix_productos_afectados_lote", table_name="productos_afectados")
    op.drop_index("ix_productos_afectados_clave", table_name="productos_afectados")
    op.drop_index("ix_productos_afectados_caso_id", table_name="productos_afectados")

    op.drop_table("productos_afectados")
    op.drop_table("investigaciones")
    op.drop_index("ix_historial_casos_caso_id", table_name="historial_casos")

    op.drop_table("historial_casos")
    op.drop_index("ix_clasificaciones_caso_id", table_name="clasificaciones")

    op.drop_table("clasificaciones")
    op.drop_index("ix_adjuntos_caso_id", table_name="adjuntos")

    op.drop_table("adjuntos")
    op.drop_index("ix_casos_tipo_criticidad", table_name="casos")
    op.drop_index("ix_casos_estado", table_name="casos")
    op.drop_index("ix_casos_dedup", table_name="casos")
    op.drop_index("ix_casos_created_at", table_name="casos")
    op.drop_index("ix_casos_cliente_id", table_name="casos")

    op.drop_table("casos")
    op.drop_table("secuencias_caso")
    op.drop_table("idempotency_keys")
    op.drop_table("colaboradores")
    op.drop_index("ix_clientes_telefono_digitos", table_name="clientes")

    op.drop_table("clientes")
    op.drop_table("api_keys")
