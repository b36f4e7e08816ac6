"""Python SDK of the Vetanco Reclamos API: sync and async clients, errors, webhook checks.

Depends only on httpx, pydantic and standardwebhooks (never on the server's modules), so it
can ship as its own distribution.
"""

from vetanco.sdk._call import Descarga
from vetanco.sdk._client import AsyncVetancoClient, VetancoClient
from vetanco.sdk._http import VERSION as __version__
from vetanco.sdk._http import Options
from vetanco.sdk.errors import (
    Conflicto,
    DemasiadoGrande,
    ErrorDeConexion,
    ErrorDelServidor,
    ErrorDeValidacion,
    FirmaInvalida,
    LimiteExcedido,
    NoAutorizado,
    NoEncontrado,
    Prohibido,
    RespuestaInesperada,
    VetancoError,
)
from vetanco.sdk.firmas import verificar_firma_simple, verificar_webhook

__all__ = [
    "AsyncVetancoClient",
    "Conflicto",
    "DemasiadoGrande",
    "Descarga",
    "ErrorDeConexion",
    "ErrorDeValidacion",
    "ErrorDelServidor",
    "FirmaInvalida",
    "LimiteExcedido",
    "NoAutorizado",
    "NoEncontrado",
    "Options",
    "Prohibido",
    "RespuestaInesperada",
    "VetancoClient",
    "VetancoError",
    "__version__",
    "verificar_firma_simple",
    "verificar_webhook",
]
