"""Spanish description of each setting, and its default where the computed one would mislead."""

# Keys are vetanco.config.Settings field names; a field with Field(description=...) needs none.

from __future__ import annotations

AJUSTES: dict[str, dict[str, str]] = {
    "database_url": {
        "texto": "Base de datos. Producción: `postgresql+psycopg://usuario:clave@host/vetanco`"
    },
    "storage_dir": {"texto": "Dónde se guardan los adjuntos (por SHA-256)"},
    "rate_limit": {"texto": "Límite por API key, sintaxis de `limits`: `100/minute`, `10/second`"},
    "redis_url": {
        "texto": "Si se define (`redis://host:6379/0`), el límite se comparte entre procesos"
    },
    "max_body_bytes": {"texto": "Tamaño máximo del cuerpo de una petición (413 si se excede)"},
    "secret_key": {
        "texto": "Cifra el refresh token de Reten guardado en la base y firma las cookies del "
        "panel; sin ella, las cookies usan una clave al azar guardada en `data/session.key`"
    },
    "login_max_intentos": {"texto": "Contraseñas erróneas seguidas antes de bloquear la cuenta"},
    "login_bloqueo_minutos": {"texto": "Duración del bloqueo del panel (minutos)"},
    "log_level": {"texto": "Nivel de los logs (`DEBUG`, `INFO`, `WARNING`…)"},
    "log_format": {"texto": "`json` (un objeto por línea, producción) o `console`"},
    "host": {"texto": "Interfaz en la que escucha `vetanco serve`"},
    "port": {"texto": "Puerto en el que escucha `vetanco serve`"},
    "worker_enabled": {
        "texto": "`vetanco serve` corre también el trabajo en segundo plano (webhooks, WhatsApp, "
        "relojes, Reten) en el mismo proceso"
    },
    "worker_poll_interval": {
        "texto": "Cada cuántos segundos un worker sin trabajo vuelve a mirar la base"
    },
    "worker_concurrency": {"texto": "Entregas de webhooks en paralelo por proceso (1–64)"},
    "webhook_retry_schedule": {
        "texto": "Esperas (segundos) entre reintentos de un webhook; admite fracciones"
    },
    "webhook_disable_after": {
        "texto": "Segundos de falla continua tras los que se deshabilita una suscripción (5 días)"
    },
    "webhook_timeout": {"texto": "Timeout de cada entrega de webhook (segundos)"},
    "webhook_allow_private": {
        "texto": "Permite destinos en redes privadas o loopback (sólo para pruebas o demos)"
    },
    "webhook_lease_seconds": {
        "defecto": "calculado",
        "texto": "Cuánto reserva un worker una tanda de entregas antes de que otro pueda "
        "tomarlas; por defecto alcanza para enviar la tanda con el timeout configurado",
    },
    "kapso_webhook_secret": {
        "texto": "Secreto con el que Kapso firma sus webhooks; sin él `POST /webhooks/kapso` "
        "responde 401 a todo"
    },
    "kapso_api_url": {"texto": "API de envío de Kapso, compatible con la de Meta"},
    "kapso_api_key": {
        "texto": "Clave de la API de Kapso (`X-API-Key`); sin ella las respuestas quedan "
        "registradas como `omitido`"
    },
    "kapso_phone_number_id": {"texto": "Número emisor si el evento entrante no lo trae"},
    "kapso_template_estado": {
        "texto": "Plantilla aprobada para avisar cambios de estado fuera de la ventana de 24 h"
    },
    "whatsapp_retry_schedule": {
        "texto": "Esperas entre reintentos de envío a Kapso (un 409 se reintenta a 1 s)"
    },
    "whatsapp_media_max_bytes": {"texto": "Tamaño máximo de un archivo recibido por WhatsApp"},
    "conversation_reset_after": {
        "texto": "Segundos de silencio tras los que una conversación vuelve a empezar"
    },
    "triage_rules": {"defecto": "reglas incluidas"},
    "duplicado_similitud": {
        "texto": "Similitud (50–100, `rapidfuzz`) desde la que un caso es posible duplicado"
    },
    "sla_horario": {"texto": "Horario hábil en el que corren los relojes"},
    "sla_zona": {"texto": "Zona horaria del horario hábil"},
    "sla_feriados_extra": {
        "texto": "Días no laborables de la empresa además de los feriados nacionales "
        "(`2026-12-24,2026-12-31`)"
    },
    "sla_objetivos": {
        "defecto": "ver [Relojes](../glosario.md#sla)",
        "texto": 'JSON por política; se combina con los valores por defecto: `{"critico": '
        '{"primera_respuesta_horas": 4, "resolucion_dias": 5}}`',
    },
    "sla_riesgo_fraccion": {
        "texto": "Un reloj está «en riesgo» cuando le queda menos de esta fracción"
    },
    "sla_scan_interval": {"texto": "Cada cuántos segundos el worker busca relojes vencidos"},
    "regulatorio_autoridad": {"texto": "Autoridad a la que se reportan los eventos adversos"},
    "regulatorio_plazos": {
        "texto": "Días corridos para reportar, por autoridad (a confirmar por Asuntos "
        "Regulatorios); `null` = sin reporte individual"
    },
    "regulatorio_aviso_dias": {
        "texto": "Días antes del vencimiento en que sale `caso.reporte_regulatorio_por_vencer`"
    },
    "reten_base_url": {
        "texto": "API de Reten (p. ej. `https://api.reten.com/v1`); sin ella el conector está "
        "apagado"
    },
    "reten_client_id": {"texto": "Credencial OAuth 2.0 de Reten"},
    "reten_client_secret": {"texto": "Credencial OAuth 2.0 de Reten"},
    "reten_token_url": {"defecto": "`{base}/auth/token`", "texto": "Endpoint de tokens"},
    "reten_scopes": {"texto": "Alcances pedidos"},
    "reten_grant": {
        "texto": "`client_credentials` o `authorization_code` (el flujo de la especificación, "
        "con `vetanco reten login`)"
    },
    "reten_redirect_uri": {"texto": "Vuelta del login OAuth"},
    "reten_webhook_secret": {
        "texto": "Secreto de `X-Reten-Signature`; sin él `POST /webhooks/reten` rechaza todo"
    },
    "reten_poll_interval": {"texto": "Segundos entre pasadas de polling de reconciliación"},
    "reten_reconcile_interval": {"texto": "Segundos entre recorridos completos"},
    "reten_max_retries": {"texto": "Reintentos ante 429, 5xx, timeouts y errores de conexión"},
    "reten_backoff_base": {
        "texto": "Base (segundos) del backoff exponencial con jitter hacia Reten"
    },
    "reten_timeout": {"texto": "Timeout de cada petición a Reten (segundos)"},
}
