"""The README's Python SDK snippet, type-checked by test_python_sdk.py (never run by pytest).

The second half misuses the SDK on purpose: each line must be a mypy error, so each carries a
`type: ignore` that mypy --strict (warn_unused_ignores) reports as unused the day the SDK's
types stop catching that mistake.
"""

from __future__ import annotations

import os


def ejemplo_readme() -> None:
    # --- readme:inicio ---
    from vetanco.sdk import LimiteExcedido, NoEncontrado, VetancoClient

    with VetancoClient(
        api_key=os.environ["VETANCO_API_KEY"],
        base_url="https://api-vetanco.ejemplo.com",
        timeout=10,
        max_retries=3,
    ) as client:
        # Obtener casos
        casos = client.casos.list(tipo_caso="reclamo", criticidad="critico")
        print(casos.pagination.total, [c.numero_caso for c in casos.data])

        # Obtener detalle de caso
        caso = client.casos.get("VET-2025-00123").caso

        # Clasificar caso
        client.casos.clasificar(
            "VET-2025-00123",
            tipo_caso="reclamo",
            criticidad="mayor",
            justificacion="justificado",
            motivo="Confirmado por laboratorio",
        )

        # Todas las páginas, sin manejar page/limit
        for item in client.casos.iter_all(estado="nuevo", fecha_desde="2025-01-01"):
            print(item.numero_caso, item.criticidad)

        # Los críticos en una planilla
        archivo = client.casos.export(formato="xlsx", criticidad="critico")
        print(archivo.filename, len(archivo.data))

        try:
            client.casos.get("VET-2025-99999")
        except NoEncontrado as error:
            print(error.status, error.message, error.request_id)
        except LimiteExcedido as error:
            print("reintentá en", error.retry_after, "segundos")
    # --- readme:fin ---
    print(caso.estado)


async def ejemplo_async() -> None:
    from vetanco.sdk import AsyncVetancoClient

    async with AsyncVetancoClient(api_key="k", base_url="http://localhost:3000") as client:
        detalle = await client.casos.get("VET-2025-00123")
        print(detalle.caso.numero_caso)
        async for item in client.casos.iter_all(tipo_caso="queja"):
            print(item.numero_caso)
        stats = await client.estadisticas.get(fecha_desde="2025-01-01")
        print(stats.totales.total_casos)


async def errores_que_mypy_detecta() -> None:
    from vetanco.sdk import AsyncVetancoClient, VetancoClient

    client = VetancoClient(api_key="k")
    client.casos.list(criticidad="altisima")  # type: ignore[arg-type]
    client.casos.clasificar("VET-2025-00123", tipo_caso="otro")  # type: ignore[arg-type]
    client.casos.create(cliente={"nombre_apellido": "Juan"})  # type: ignore[call-arg]
    client.casos.list(pagina=2)  # type: ignore[call-arg]
    client.casos.get(123)  # type: ignore[arg-type]
    client.casos.export(formato="pdf")  # type: ignore[arg-type]
    VetancoClient(api_key="k", timeot=5)  # type: ignore[call-arg]
    texto: str = client.casos.get("VET-2025-00123")  # type: ignore[assignment]
    asincrono = AsyncVetancoClient(api_key="k")
    sin_await: str = asincrono.casos.historial("VET-2025-00123")  # type: ignore[assignment]
    for item in asincrono.casos.iter_all():  # type: ignore[attr-defined]
        print(item, texto, sin_await)
