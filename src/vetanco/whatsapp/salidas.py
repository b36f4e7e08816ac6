"""What the bot says, as WhatsApp Cloud API bodies, and how typed answers match the options offered."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vetanco.text import fold

MAX_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_ROWS = 10
MAX_ROW_TITLE = 24
MAX_BODY = 1024


@dataclass(frozen=True, slots=True)
class Opcion:
    id: str
    titulo: str
    sinonimos: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Salida:
    """Plain text, or text with ≤3 reply buttons, or text with a list of ≤10 rows."""

    texto: str
    opciones: tuple[Opcion, ...] = ()
    como_lista: bool = False
    boton_lista: str = "Ver opciones"
    extra: dict[str, Any] = field(default_factory=dict)

    def cuerpo(self, to: str) -> dict[str, Any]:
        """The Cloud API body; the options are also numbered in the text as a typed fallback."""
        base: dict[str, Any] = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
        }
        if not self.opciones:
            return {
                **base,
                "type": "text",
                "text": {"body": self.texto[:4096], "preview_url": False},
            }
        numbered = "\n".join(f"{i}. {o.titulo}" for i, o in enumerate(self.opciones, start=1))
        body = f"{self.texto}\n\n{numbered}"[:MAX_BODY]
        if self.como_lista or len(self.opciones) > MAX_BUTTONS:
            rows = [
                {"id": o.id, "title": o.titulo[:MAX_ROW_TITLE]} for o in self.opciones[:MAX_ROWS]
            ]
            action = {
                "button": self.boton_lista[:MAX_BUTTON_TITLE],
                "sections": [{"title": "Opciones", "rows": rows}],
            }
            interactive = {"type": "list", "body": {"text": body}, "action": action}
        else:
            buttons = [
                {"type": "reply", "reply": {"id": o.id, "title": o.titulo[:MAX_BUTTON_TITLE]}}
                for o in self.opciones
            ]
            interactive = {"type": "button", "body": {"text": body}, "action": {"buttons": buttons}}
        return {**base, "type": "interactive", "interactive": interactive}


def elegir(opciones: tuple[Opcion, ...], texto: str | None, reply_id: str | None) -> Opcion | None:
    """A button/list reply by id, or typed: its number, its title, or a synonym (accents and case ignored)."""
    if reply_id:
        for o in opciones:
            if o.id == reply_id:
                return o
    answer = fold(texto or "").strip(" .!¡?¿")
    if not answer:
        return None
    if answer.isdigit() and 1 <= int(answer) <= len(opciones):
        return opciones[int(answer) - 1]
    for o in opciones:
        if answer == fold(o.titulo) or answer == o.id or answer in o.sinonimos:
            return o
    return None


SI = Opcion("si", "Sí", ("si", "sí", "dale", "ok", "de acuerdo", "correcto", "s"))
NO = Opcion("no", "No", ("no", "n", "nop"))
SI_NO = (SI, NO)
