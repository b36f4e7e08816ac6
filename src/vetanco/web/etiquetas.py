"""Spanish labels for the contract's enum values, as a person reads them on screen."""

from __future__ import annotations

from datetime import date, datetime

from vetanco.sla.calendario import ARGENTINA

ETIQUETAS: dict[str, str] = {
    "reclamo": "Reclamo",
    "queja": "Queja",
    "comentario": "Comentario",
    "pendiente_clasificacion": "Sin clasificar",
    "critico": "Crítico",
    "mayor": "Mayor",
    "menor": "Menor",
    "nuevo": "Nuevo",
    "en_investigacion": "En investigación",
    "resuelto": "Resuelto",
    "cerrado": "Cerrado",
    "whatsapp": "WhatsApp",
    "telefono": "Teléfono",
    "email": "Email",
    "web": "Web",
    "presencial": "Presencial",
    "api": "API",
    "vencido": "SLA vencido",
    "en_riesgo": "SLA en riesgo",
    "cumplido_tarde": "SLA cumplido tarde",
    "cumplido": "SLA cumplido",
    "en_curso": "En plazo",
    "pausado": "SLA en pausa",
    "pendiente_investigacion": "Pendiente de investigación",
    "justificado": "Justificado",
    "no_justificado": "No justificado",
    "abierta": "Abierta",
    "en_evaluacion": "En evaluación",
    "descartada": "Descartada",
    "retiro_de_mercado": "Retiro de mercado",
    "completada": "Completada",
    "en_proceso": "En proceso",
    "pendiente": "Pendiente",
    "por_vencer": "Por vencer",
    "presentado": "Presentado",
    "intramuscular": "Intramuscular",
    "subcutanea": "Subcutánea",
    "intravenosa": "Intravenosa",
    "oral": "Oral",
    "pour_on": "Pour-on",
    "topica": "Tópica",
    "intramamaria": "Intramamaria",
    "intrauterina": "Intrauterina",
    "en_agua_o_alimento": "En agua o alimento",
    "otra": "Otra",
    "recuperado": "Recuperado",
    "recuperado_con_secuelas": "Recuperado con secuelas",
    "muerte": "Muerte",
    "eutanasia": "Eutanasia",
    "desconocido": "Desconocido",
    "umbral": "Umbral de reclamos",
    "resolucion": "Resolución",
    "tipo_caso": "Tipo de caso",
    "justificacion": "Justificación",
    "causa_raiz": "Causa raíz",
    "analisis_laboratorio": "Análisis de laboratorio",
    "via_administracion": "Vía de administración",
    "fecha_aplicacion": "Fecha de aplicación",
    "investigacion_iniciada": "Investigación iniciada",
    "investigacion_actualizada": "Investigación actualizada",
    "investigacion": "Investigación",
    "numero_caso": "Número de caso",
}


def etiqueta(valor: object) -> str:
    if valor is None:
        return "—"
    texto = str(getattr(valor, "value", valor))
    return ETIQUETAS.get(texto, texto.replace("_", " ").capitalize())


def fecha(valor: datetime | date | None, formato: str = "%d/%m/%Y %H:%M") -> str:
    """Argentine wall-clock time: the team reads hours as they lived them."""
    if valor is None:
        return "—"
    if isinstance(valor, datetime):
        return valor.astimezone(ARGENTINA).strftime(formato)
    return valor.strftime("%d/%m/%Y")
