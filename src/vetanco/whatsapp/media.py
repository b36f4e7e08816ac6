"""WhatsApp media: attach to the case, then download in the background, capped, allow-listed, by SHA-256."""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import structlog
from sqlalchemy import Select, bindparam, or_, select
from sqlalchemy.orm import Session

from vetanco.casos.models import Adjunto, Caso
from vetanco.config import Settings
from vetanco.db import Database, after_commit, utcnow
from vetanco.net import UnsafeURL, check_url
from vetanco.wake import wake_dispatcher
from vetanco.whatsapp.entrantes import Entrante

log = structlog.get_logger(__name__)
ALLOWED_MIME = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/webp",
        "application/pdf",
        "audio/ogg",
        "audio/mpeg",
        "audio/mp4",
        "audio/aac",
        "audio/amr",
        "video/mp4",
        "video/3gpp",
    }
)
MAX_INTENTOS = 5
LEASE = timedelta(seconds=120)


def adjunto_de(entrante: Entrante) -> dict[str, Any]:
    """An inbound photo, audio or document as the attachment the case will carry."""
    media = entrante.media
    assert media is not None
    return {
        "tipo": "foto" if (entrante.kind or "") == "image" else (entrante.kind or "documento"),
        "media_id": media.id,
        "url": media.url,
        "mime_type": media.mime_type,
        "nombre": media.filename,
        "caption": (entrante.texto or "").strip() or None,
    }


def adjuntar(session: Session, *, caso: Caso, adjuntos: list[dict[str, Any]]) -> int:
    """Rows first (in the caller's transaction), bytes later (in the fetcher)."""
    for a in adjuntos:
        session.add(
            Adjunto(
                caso_id=caso.id,
                tipo=a.get("tipo") or "documento",
                url=a.get("url") or "",
                nombre=a.get("nombre"),
                mime_type=a.get("mime_type"),
                media_id=a.get("media_id"),
                estado="pendiente",
                intentos=0,
                created_at=utcnow(),
            )
        )
    if adjuntos:
        session.flush()
        after_commit(session, wake_dispatcher)
    return len(adjuntos)


def ruta_para(sha256: str) -> str:
    return f"media/{sha256[:2]}/{sha256}"


class Rechazo(Exception):
    """The file will never be acceptable (too big, wrong type): no retry."""


@dataclass(frozen=True, slots=True)
class Descarga:
    adjunto_id: uuid.UUID
    url: str
    media_id: str | None
    mime_type: str | None


class MediaFetcher:
    def __init__(
        self, db: Database, settings: Settings, *, client: httpx.Client | None = None
    ) -> None:
        self.db = db
        self.settings = settings
        self.client = client or httpx.Client(timeout=30.0, follow_redirects=False)

    def close(self) -> None:
        self.client.close()

    def run_once(self) -> int:
        now = utcnow()
        with self.db.transaction() as session:
            stmt = (
                select(Adjunto)
                .where(
                    Adjunto.estado == "pendiente",
                    or_(Adjunto.lease_until.is_(None), Adjunto.lease_until < now),
                )
                .order_by(Adjunto.created_at)
                .limit(5)
                .with_for_update(skip_locked=True)
            )
            jobs = []
            for adjunto in session.scalars(stmt):
                adjunto.lease_until = now + LEASE
                jobs.append(Descarga(adjunto.id, adjunto.url, adjunto.media_id, adjunto.mime_type))
        for job in jobs:
            self._process(job)
        return len(jobs)

    def _process(self, job: Descarga) -> None:
        try:
            content, mime = self._download(job)
        except Rechazo as exc:
            self._finish(job, estado="rechazado", error=str(exc))
            return
        except (httpx.HTTPError, UnsafeURL, ValueError) as exc:
            self._retry(job, f"{type(exc).__name__}: {exc}"[:500])
            return
        sha = hashlib.sha256(content).hexdigest()
        target = Path(self.settings.storage_dir) / ruta_para(sha)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(f".{uuid.uuid4().hex}.tmp")
            tmp.write_bytes(content)
            os.replace(tmp, target)
        self._finish(job, estado="descargado", sha256=sha, size=len(content), mime=mime)

    def _headers_for(self, url: str) -> dict[str, str]:
        """The API key goes only to Kapso's own host, never to a third party."""
        key = self.settings.kapso_api_key
        kapso_host = urlsplit(self.settings.kapso_api_url).hostname
        host = urlsplit(url).hostname or ""
        if key and (host == kapso_host or host.endswith(".kapso.ai") or host == "kapso.ai"):
            return {"X-API-Key": key.get_secret_value()}
        return {}

    def _fresh_url(self, media_id: str) -> str:
        pnid = self.settings.kapso_phone_number_id or ""
        url = f"{self.settings.kapso_api_url.rstrip('/')}/{media_id}"
        response = self.client.get(
            url, params={"phone_number_id": pnid}, headers=self._headers_for(url)
        )
        response.raise_for_status()
        data = response.json()
        return str(data.get("download_url") or data["url"])

    def _download(self, job: Descarga) -> tuple[bytes, str]:
        url = job.url or (self._fresh_url(job.media_id) if job.media_id else "")
        if not url:
            raise Rechazo("sin URL ni media_id para descargar")
        try:
            return self._get(url, job)
        except httpx.HTTPStatusError as exc:
            if job.media_id and exc.response.status_code in (401, 403, 404, 410):
                return self._get(self._fresh_url(job.media_id), job)
            raise

    def _get(self, url: str, job: Descarga) -> tuple[bytes, str]:
        check_url(url, allow_private=self.settings.webhook_allow_private)
        cap = self.settings.whatsapp_media_max_bytes
        with self.client.stream("GET", url, headers=self._headers_for(url)) as response:
            response.raise_for_status()
            declared = response.headers.get("content-type", "").split(";")[0].strip().lower()
            mime = (
                job.mime_type
                if declared in ("", "application/octet-stream") and job.mime_type
                else declared
            )
            if mime not in ALLOWED_MIME:
                raise Rechazo(f"tipo de archivo no permitido: {mime or 'desconocido'}")
            if int(response.headers.get("content-length") or 0) > cap:
                raise Rechazo(f"archivo mayor a {cap} bytes")
            content = b""
            for chunk in response.iter_bytes():
                content += chunk
                if len(content) > cap:
                    raise Rechazo(f"archivo mayor a {cap} bytes")
        return content, mime or "application/octet-stream"

    def _finish(
        self,
        job: Descarga,
        *,
        estado: str,
        error: str | None = None,
        sha256: str | None = None,
        size: int | None = None,
        mime: str | None = None,
    ) -> None:
        with self.db.transaction() as session:
            adjunto = session.get(Adjunto, job.adjunto_id)
            if adjunto is None:
                return
            adjunto.estado = estado
            adjunto.error = error
            adjunto.lease_until = None
            adjunto.intentos += 1
            if sha256:
                adjunto.sha256 = sha256
                adjunto.size = size
                adjunto.mime_type = mime
                adjunto.ruta = ruta_para(sha256)
        if estado == "rechazado":
            log.warning("media_rejected", adjunto=str(job.adjunto_id), error=error)

    def _retry(self, job: Descarga, error: str) -> None:
        with self.db.transaction() as session:
            adjunto = session.get(Adjunto, job.adjunto_id)
            if adjunto is None:
                return
            adjunto.intentos += 1
            adjunto.error = error
            if adjunto.intentos >= MAX_INTENTOS:
                adjunto.estado = "fallido"
                adjunto.lease_until = None
            else:
                adjunto.lease_until = utcnow() + timedelta(seconds=2**adjunto.intentos)


@cache
def _ultimo_abierto() -> Select[Caso]:
    return (
        select(Caso)
        .where(
            Caso.registrado_por == bindparam("registrado_por"),
            Caso.estado.in_(("nuevo", "en_investigacion")),
        )
        .order_by(Caso.created_at.desc())
        .limit(1)
    )


def ultimo_caso_abierto(session: Session, *, telefono: str) -> Caso | None:
    """Runs on every inbound message, so its select is built once (building cost more than running)."""
    params = {"registrado_por": f"whatsapp:+{telefono}"}
    return session.scalars(_ultimo_abierto(), params).unique().first()
