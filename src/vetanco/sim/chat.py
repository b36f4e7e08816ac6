"""`vetanco chat`: a terminal WhatsApp that talks to a running server through an embedded Kapso sim.

The person's lines leave as signed Kapso webhooks to ``{server}/webhooks/kapso``; the bot's replies
arrive at the embedded sim (the server must have ``VETANCO_KAPSO_API_URL`` pointing at it) and are
printed. A bare number picks an option of the last message as a real button/list reply.
"""

from __future__ import annotations

import contextlib
import mimetypes
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
from rich.console import Console
from rich.text import Text

from vetanco.config import Settings
from vetanco.sim.kapso import KapsoSim, SentMessage

Formato = Literal["kapso", "spec"]
TELEFONO = "5491155551234"
LOCAL_HOSTS = ("127.0.0.1", "localhost")
SIM_PATH = "/meta/whatsapp/"
BOT = "green"
AYUDA = (
    "Escribí como en WhatsApp. Para elegir una opción mandá su número; "
    "/foto RUTA manda una imagen; /salir (o Ctrl-D) termina."
)


class ChatError(Exception):
    """Something the person can fix; the message is in Spanish and ready to print."""


@dataclass(frozen=True, slots=True)
class Opcion:
    """A button or list row of a message the bot sent, as the person can pick it."""

    kind: Literal["button", "list"]
    id: str
    title: str
    description: str | None
    message_id: str


def opciones(msg: SentMessage) -> list[Opcion]:
    """The buttons or list rows of `msg`, in order (empty for anything else)."""
    if msg.buttons:
        return [Opcion("button", i, t, None, msg.message_id) for i, t in msg.buttons]
    interactive: Any = msg.body.get("interactive") or {}
    sections: Any = (interactive.get("action") or {}).get("sections") or []
    return [
        Opcion("list", str(r["id"]), str(r["title"]), r.get("description"), msg.message_id)
        for s in sections
        for r in s.get("rows") or []
    ]


def puerto_local(api_url: str) -> int:
    """The port of a VETANCO_KAPSO_API_URL on this machine, or ChatError explaining why not."""
    parts = urlsplit(api_url)
    if parts.scheme != "http" or parts.hostname not in LOCAL_HOSTS or parts.port is None:
        raise ChatError(
            f"VETANCO_KAPSO_API_URL es {api_url!r}: para chatear desde la terminal el servidor tiene "
            "que mandar sus respuestas al simulador local, p. ej. "
            "VETANCO_KAPSO_API_URL=http://127.0.0.1:3100/meta/whatsapp/v24.0 "
            "(está en .env.demo: `cp .env.demo .env` y reiniciá el servidor)."
        )
    if not parts.path.startswith(SIM_PATH):
        raise ChatError(
            f"VETANCO_KAPSO_API_URL es {api_url!r}: la ruta tiene que ser /meta/whatsapp/v24.0, "
            f"p. ej. http://127.0.0.1:{parts.port}/meta/whatsapp/v24.0."
        )
    return parts.port


def credenciales(settings: Settings) -> tuple[str, str]:
    """(api_key, webhook_secret) from settings, or ChatError naming what is missing."""
    key, secret = settings.kapso_api_key, settings.kapso_webhook_secret
    api_key = key.get_secret_value() if key else ""
    webhook_secret = secret.get_secret_value() if secret else ""
    faltan = [
        name
        for name, value in (
            ("VETANCO_KAPSO_API_KEY", api_key),
            ("VETANCO_KAPSO_WEBHOOK_SECRET", webhook_secret),
        )
        if not value
    ]
    if faltan:
        raise ChatError(
            f"Falta configurar {' y '.join(faltan)} (el servidor y el simulador tienen que "
            "compartirlos). Para una demo local: `cp .env.demo .env`."
        )
    return api_key, webhook_secret


def iniciar_sim(settings: Settings) -> KapsoSim:
    """A started KapsoSim on the host/port of VETANCO_KAPSO_API_URL, with the settings' secrets."""
    api_key, secret = credenciales(settings)
    port = puerto_local(settings.kapso_api_url)
    sim = KapsoSim(api_key=api_key, webhook_secret=secret, port=port)
    if settings.kapso_phone_number_id:  # what the server falls back to for spec-format chats
        sim.phone_number_id = settings.kapso_phone_number_id
    try:
        return sim.start()
    except RuntimeError as exc:
        raise ChatError(
            f"No pude abrir el simulador de Kapso en 127.0.0.1:{port}: ¿hay otro `vetanco chat` "
            "o `vetanco sim kapso` usando ese puerto?"
        ) from exc


class ChatSession:
    """One person on WhatsApp: `send(line)` delivers it and returns the bot's replies to them."""

    def __init__(
        self,
        sim: KapsoSim,
        server: str,
        *,
        telefono: str = TELEFONO,
        formato: Formato = "kapso",
        timeout: float = 10.0,
        quiet: float = 0.7,
    ) -> None:
        self.sim = sim
        self.server = server.rstrip("/")
        self.webhook_url = f"{self.server}/webhooks/kapso"
        self.telefono = telefono.strip().removeprefix("+")
        self.formato = formato
        self.timeout = timeout  # longest wait for the first reply
        self.quiet = quiet  # replies are over after this long without a new one
        self.opciones: list[Opcion] = []  # of the last message received
        self.terminado = False
        self._visto = len(sim.sent_snapshot())
        if not self.telefono.isdigit():
            raise ChatError(f"El teléfono tiene que ser sólo dígitos (p. ej. {TELEFONO}).")

    def send(self, line: str) -> list[SentMessage]:
        """Sends one typed line (or runs /salir, /foto) and waits for the bot's replies."""
        text = line.strip()
        if not text:
            return []
        if text == "/salir":
            self.terminado = True
            return []
        if text == "/foto" or text.startswith("/foto "):
            response = self._foto(text.removeprefix("/foto").strip())
        elif (opcion := self._opcion(text)) is not None:
            response = self._elegir(opcion)
        else:
            response = self._post(
                lambda: self.sim.send_text(
                    self.telefono, text, fmt=self.formato, url=self.webhook_url
                )
            )
        self._check(response)
        return self.esperar()

    def esperar(self) -> list[SentMessage]:
        """New messages to this phone: up to `timeout` for the first, until `quiet` passes idle."""
        deadline = time.monotonic() + self.timeout
        nuevos: list[SentMessage] = []
        ultimo: float | None = None
        while True:
            now = time.monotonic()
            if recibidos := self._nuevos():
                nuevos.extend(recibidos)
                ultimo = now
            if ultimo is not None and now - ultimo >= self.quiet:
                break
            if ultimo is None and now >= deadline:
                break
            time.sleep(0.05)
        if nuevos:
            self.opciones = opciones(nuevos[-1])
        return nuevos

    def _nuevos(self) -> list[SentMessage]:
        snapshot = self.sim.sent_snapshot()
        nuevos, self._visto = snapshot[self._visto :], len(snapshot)
        return [m for m in nuevos if m.to.removeprefix("+") == self.telefono]

    def _opcion(self, text: str) -> Opcion | None:
        if text.isdigit() and 1 <= int(text) <= len(self.opciones):
            return self.opciones[int(text) - 1]
        return None

    def _elegir(self, opcion: Opcion) -> httpx.Response:
        fmt, url, ctx = self.formato, self.webhook_url, opcion.message_id
        if opcion.kind == "button":
            return self._post(
                lambda: self.sim.send_button_reply(
                    self.telefono, opcion.id, opcion.title, fmt=fmt, url=url, context_id=ctx
                )
            )
        return self._post(
            lambda: self.sim.send_list_reply(
                self.telefono,
                opcion.id,
                opcion.title,
                description=opcion.description,
                fmt=fmt,
                url=url,
                context_id=ctx,
            )
        )

    def _foto(self, ruta: str) -> httpx.Response:
        if not ruta:
            raise ChatError("Uso: /foto RUTA, p. ej. /foto ~/Imágenes/frasco.jpg")
        path = Path(ruta).expanduser()
        if not path.is_file():
            raise ChatError(f"No encuentro el archivo {path}.")
        mime = mimetypes.guess_type(path.name)[0]
        if mime is None or not mime.startswith("image/"):
            raise ChatError(f"/foto manda imágenes (jpg, png, webp…) y {path.name} no parece una.")
        media_id = f"chat-{uuid.uuid4().hex}"
        self.sim.add_media(media_id, path.read_bytes(), mime, path.name)
        return self._post(
            lambda: self.sim.send_image(
                self.telefono, media_id, fmt=self.formato, url=self.webhook_url
            )
        )

    def _post(self, deliver: Callable[[], httpx.Response]) -> httpx.Response:
        try:
            response = deliver()
        except httpx.HTTPError as exc:
            raise ChatError(
                f"No pude hablar con el servidor en {self.server} ({type(exc).__name__}): "
                "¿está corriendo? Levantalo con `make run` en otra terminal."
            ) from exc
        return response

    def _check(self, response: httpx.Response) -> None:
        if response.status_code == 200:
            return
        if response.status_code == 401:
            raise ChatError(
                "El servidor rechazó la firma del webhook (401): VETANCO_KAPSO_WEBHOOK_SECRET "
                "tiene que ser el mismo en el servidor y en `vetanco chat` (reiniciá el servidor "
                "después de cambiar el .env)."
            )
        raise ChatError(
            f"El servidor respondió {response.status_code} a {self.webhook_url}: "
            f"{response.text[:300]}"
        )


# --- terminal ------------------------------------------------------------------------------------

_MARKS = re.compile(r"(?<!\w)([*_~])(?=\S)(.+?)(?<=\S)\1(?!\w)")
_STYLES = {"*": "bold", "_": "italic", "~": "strike"}


def _whatsapp(text: str, style: str) -> Text:
    """WhatsApp's *bold*, _italic_ and ~strike~ as Rich styles; never Rich markup."""
    out = Text(style=style)
    pos = 0
    for match in _MARKS.finditer(text):
        out.append(text[pos : match.start()])
        out.append(match.group(2), style=_STYLES[match.group(1)])
        pos = match.end()
    out.append(text[pos:])
    return out


def _sin_numeradas(body: str, n: int) -> str:
    """Drops the bot's typed fallback ("\\n\\n1. …\\n2. …") when the options follow anyway."""
    lines = body.split("\n")
    tail = lines[-n:] if n else []
    if (
        n
        and len(lines) > n + 1
        and lines[-n - 1] == ""
        and all(line.startswith(f"{i}. ") for i, line in enumerate(tail, start=1))
    ):
        return "\n".join(lines[: -n - 1]).rstrip()
    return body


def render(msg: SentMessage) -> Text:
    """One bot message as the terminal shows it: text, then its options numbered."""
    out = Text()
    interactive: Any = msg.body.get("interactive") or {}
    header = (interactive.get("header") or {}).get("text")
    if header:
        out.append(f"{header}\n", style=f"bold {BOT}")
    ops = opciones(msg)
    if msg.text is not None:
        out.append_text(_whatsapp(_sin_numeradas(msg.text, len(ops)), BOT))
    elif msg.type in ("image", "document"):
        media: Any = msg.body.get(msg.type) or {}
        name = "imagen" if msg.type == "image" else "documento"
        caption = media.get("caption") or media.get("filename") or ""
        out.append(f"[{name}] {caption}".rstrip(), style=BOT)
    elif msg.type == "template":
        template: Any = msg.body.get("template") or {}
        out.append(f"[plantilla {template.get('name', '?')}]", style=BOT)
    else:
        out.append(f"[{msg.type}]", style=BOT)
    for i, op in enumerate(ops, start=1):
        out.append(f"\n  {i}) ", style="bold cyan")
        out.append(op.title, style="cyan")
        if op.description:
            out.append(f" — {op.description}", style="dim")
    footer = (interactive.get("footer") or {}).get("text")
    if footer:
        out.append(f"\n{footer}", style="dim")
    return out


def repl(session: ChatSession, console: Console) -> None:
    """Reads lines until /salir, Ctrl-D or Ctrl-C, printing the bot's replies after each."""
    with contextlib.suppress(ImportError):  # line editing and history for input()
        import readline  # noqa: F401
    prompt = Text("vos> ", style="bold cyan")
    while not session.terminado:
        try:
            line = console.input(prompt)
            replies = session.send(line)
        except (EOFError, KeyboardInterrupt):
            console.print()
            break
        except ChatError as exc:
            console.print(Text(str(exc), style="red"))
            continue
        for msg in replies:
            console.print(render(msg))
        if line.strip() and not replies and not session.terminado:
            console.print(
                Text(
                    f"(el bot no respondió en {session.timeout:.0f} s: ¿el servidor tiene "
                    f"VETANCO_KAPSO_API_URL={session.sim.api_url} y el worker activo?)",
                    style="dim",
                )
            )
        if not session.terminado:
            console.print()
    console.print(Text("Chau.", style="dim"))


def run(
    settings: Settings,
    *,
    server: str,
    telefono: str = TELEFONO,
    formato: Formato = "kapso",
    console: Console | None = None,
) -> None:
    """`vetanco chat`: checks the server, starts the embedded sim, runs the REPL, stops the sim."""
    console = console or Console()
    credenciales(settings)
    puerto_local(settings.kapso_api_url)
    server = server.rstrip("/")
    try:
        httpx.get(f"{server}/healthz", timeout=3).raise_for_status()
    except httpx.HTTPError as exc:
        raise ChatError(
            f"No hay un servidor de Vetanco en {server} ({type(exc).__name__}): levantalo con "
            "`make run` en otra terminal, con el mismo .env."
        ) from exc
    sim = iniciar_sim(settings)
    try:
        session = ChatSession(sim, server, telefono=telefono, formato=formato)
        console.print(
            Text.assemble(("WhatsApp de prueba", "bold"), f": +{session.telefono} → {server}")
        )
        console.print(Text(AYUDA, style="dim"))
        console.print()
        repl(session, console)
    finally:
        sim.stop()
