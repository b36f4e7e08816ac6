"""What each outgoing event means and an example `data`; the hook checks it against the Evento enum."""

from __future__ import annotations

from typing import Any

CAMPOS: dict[str, str] = {
    "numero_caso": "Número del caso (`VET-AAAA-NNNNN`)",
    "tipo_caso": "`reclamo`, `queja`, `comentario` o `pendiente_clasificacion`",
    "criticidad": "`critico`, `mayor` o `menor` (sólo reclamos; `null` en los demás)",
    "estado": "Estado del caso, de la investigación o de la señal, según el evento",
    "canal": "Por dónde llegó: `whatsapp`, `telefono`, `email`, `web`, `presencial` o `api`",
    "created_at": "Cuándo se registró (UTC)",
    "tipo_caso_anterior": "Tipo antes de clasificar (`pendiente_clasificacion` la primera vez)",
    "tipo_caso_nuevo": "Tipo después de clasificar",
    "justificacion": "`pendiente_investigacion`, `justificado` o `no_justificado`",
    "estado_anterior": "Estado antes del cambio",
    "estado_nuevo": "Estado después del cambio",
    "resolucion": "Texto de la resolución",
    "acciones_correctivas": "Acciones correctivas (CAPA) registradas al resolver",
    "acciones_preventivas": "Acciones preventivas (CAPA) registradas al resolver",
    "reloj": "`primera_respuesta`, `resolucion` o `reporte_regulatorio`",
    "politica": "Política del reloj (`critico`, `mayor`, `menor`, `queja`, `comentario`, "
    "`pendiente_clasificacion`) o la autoridad, para el reporte regulatorio",
    "vence": "Vencimiento del plazo (UTC)",
    "cumplido_at": "Cuándo se cumplió (tarde), o `null` si sigue abierto",
    "autoridad": "Autoridad a la que se reporta (`VETANCO_REGULATORIO_AUTORIDAD`)",
    "dias_restantes": "Días corridos que faltan para el vencimiento",
    "posible_duplicado_de": "Caso abierto muy parecido (mismo cliente, lote en común)",
    "fusionado_en": "Caso que absorbió al duplicado",
    "senal_id": "Id de la señal (UUID)",
    "producto": "Producto tal como se registró",
    "lote": "Número de lote",
    "motivo_apertura": "`umbral` (muchos reclamos en la ventana) o `critico` (un reclamo crítico)",
    "casos": "Casos vinculados a la señal al abrirse",
    "reclamos_en_ventana": "Reclamos del lote dentro de la ventana",
    "criticos": "Cuántos de ellos son críticos",
    "umbral": "`VETANCO_SIGNAL_MIN_CASES` vigente",
    "ventana_dias": "`VETANCO_SIGNAL_WINDOW_DAYS` vigente",
    "abierta_at": "Cuándo se abrió la señal (UTC)",
    "investigacion_id": "Id de la investigación (UUID), el de `PUT /api/investigaciones/{id}`",
    "investigador": "Nombre del investigador",
    "fecha_inicio": "Inicio de la investigación (UTC)",
    "campos_actualizados": "Campos de la investigación que cambiaron",
    "causa_raiz": "Causa raíz registrada (o `null`)",
    "integracion": "Integración que alerta (hoy, `reten`)",
    "alerta": "`api_caida`, `latencia_alta`, `cerca_del_limite` o `fallos_webhooks`",
    "detalle": "Descripción legible de la condición",
    "webhook_id": "Id de la suscripción que se está probando",
}

_CASO = "VET-2025-00123"

EVENTOS: dict[str, dict[str, Any]] = {
    "caso.creado": {
        "cuando": "Se registró un caso (API, panel o WhatsApp).",
        "timestamp": "2025-10-18T10:00:00Z",
        "data": {
            "numero_caso": _CASO,
            "tipo_caso": "reclamo",
            "criticidad": "critico",
            "estado": "nuevo",
            "canal": "telefono",
            "created_at": "2025-10-18T10:00:00Z",
        },
    },
    "caso.clasificado": {
        "cuando": "Se clasificó o reclasificó un caso.",
        "nota": "También lo emite el triage automático; quién decidió está en el historial.",
        "timestamp": "2025-10-18T17:00:00Z",
        "data": {
            "numero_caso": _CASO,
            "tipo_caso_anterior": "pendiente_clasificacion",
            "tipo_caso_nuevo": "reclamo",
            "criticidad": "critico",
            "justificacion": "justificado",
        },
    },
    "caso.estado_actualizado": {
        "cuando": "Cambió el estado de un caso (sale en cada cambio, también con los dos siguientes).",
        "timestamp": "2025-10-18T18:00:00Z",
        "data": {
            "numero_caso": _CASO,
            "estado_anterior": "en_investigacion",
            "estado_nuevo": "resuelto",
        },
    },
    "caso.resuelto": {
        "cuando": "Un caso pasó a `resuelto`.",
        "timestamp": "2025-10-18T18:00:00Z",
        "data": {
            "numero_caso": _CASO,
            "resolucion": "Lote reemplazado, cliente compensado",
            "acciones_correctivas": "Revisión de proceso de control de calidad",
            "acciones_preventivas": "Implementación de double-check en llenado",
        },
    },
    "caso.cerrado": {
        "cuando": "Un caso pasó a `cerrado` (también al fusionarlo en otro).",
        "timestamp": "2025-10-25T09:00:00Z",
        "data": {"numero_caso": _CASO},
    },
    "caso.sla_vencido": {
        "cuando": "Venció un reloj del caso: primera respuesta, resolución o reporte regulatorio.",
        "nota": "Sale una sola vez por reloj.",
        "timestamp": "2025-10-18T17:00:00Z",
        "data": {
            "numero_caso": _CASO,
            "reloj": "primera_respuesta",
            "politica": "critico",
            "vence": "2025-10-18T16:00:00Z",
            "cumplido_at": None,
            "tipo_caso": "reclamo",
            "criticidad": "critico",
        },
    },
    "caso.reporte_regulatorio_por_vencer": {
        "cuando": "Faltan `VETANCO_REGULATORIO_AVISO_DIAS` para el vencimiento del reporte de un "
        "evento adverso grave.",
        "timestamp": "2025-10-30T12:00:00Z",
        "data": {
            "numero_caso": _CASO,
            "autoridad": "SENASA",
            "vence": "2025-11-02T02:59:59Z",
            "dias_restantes": 2.6,
        },
    },
    "caso.posible_duplicado": {
        "cuando": "Un caso nuevo se parece mucho a uno abierto del mismo cliente; nadie lo fusiona solo.",
        "timestamp": "2025-10-18T10:05:00Z",
        "data": {"numero_caso": "VET-2025-00124", "posible_duplicado_de": _CASO},
    },
    "caso.fusionado": {
        "cuando": "Se fusionó un duplicado (`POST /api/casos/{n}/fusionar`); el duplicado queda cerrado.",
        "timestamp": "2025-10-18T11:00:00Z",
        "data": {"numero_caso": "VET-2025-00124", "fusionado_en": _CASO},
    },
    "lote.senal_detectada": {
        "cuando": "Se abrió una señal para un lote: muchos reclamos en la ventana o un reclamo crítico.",
        "timestamp": "2025-10-18T10:00:00Z",
        "data": {
            "senal_id": "6f1c2a7e-3b1d-4c55-9f0e-2d8a4b7c9e10",
            "producto": "Vetancilina 100ml",
            "lote": "ABC123",
            "estado": "abierta",
            "motivo_apertura": "umbral",
            "numero_caso": _CASO,
            "casos": ["VET-2025-00101", "VET-2025-00117", _CASO],
            "reclamos_en_ventana": 3,
            "criticos": 1,
            "umbral": 3,
            "ventana_dias": 30,
            "abierta_at": "2025-10-18T10:00:00Z",
        },
    },
    "investigacion.iniciada": {
        "cuando": "Se inició la investigación de un caso.",
        "timestamp": "2025-10-18T09:00:00Z",
        "data": {
            "numero_caso": _CASO,
            "investigacion_id": "0b7e6f0a-8c1d-4e2f-9a3b-5c6d7e8f9a0b",
            "investigador": "Dr. Carlos López",
            "fecha_inicio": "2025-10-18T09:00:00Z",
            "estado": "en_proceso",
        },
    },
    "investigacion.actualizada": {
        "cuando": "Se actualizó una investigación (hallazgos, causa raíz, estado…).",
        "timestamp": "2025-10-18T16:30:00Z",
        "data": {
            "numero_caso": _CASO,
            "investigacion_id": "0b7e6f0a-8c1d-4e2f-9a3b-5c6d7e8f9a0b",
            "estado": "completada",
            "campos_actualizados": ["causa_raiz", "estado", "hallazgos"],
            "causa_raiz": "Falla en limpieza de tanque de mezclado",
        },
    },
    "integracion.alerta": {
        "cuando": "Una alerta del conector Reten se activó o se resolvió.",
        "timestamp": "2025-10-18T12:00:00Z",
        "data": {
            "integracion": "reten",
            "alerta": "api_caida",
            "estado": "activa",
            "detalle": "6 errores consecutivos",
        },
    },
    "ping": {
        "cuando": "Prueba manual de una suscripción (`POST /api/webhooks/{id}/test`).",
        "timestamp": "2025-10-18T12:00:00Z",
        "data": {"webhook_id": "5d3c1e2a-9b8f-4a7d-8e6c-1f2a3b4c5d6e"},
    },
}
