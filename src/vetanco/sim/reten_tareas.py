"""The Reten simulator's task endpoints: paginated, filtered list, one task, PATCH."""

from __future__ import annotations

import math
import threading
from datetime import datetime
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from vetanco.sim.reten_base import (
    JSON,
    PRIORITIES,
    STATUSES,
    _BadRequest,
    _error,
    _json_body,
    parse_iso,
)


class TaskEndpoints:
    """``GET /v1/tasks``, ``GET /v1/tasks/{id}`` and ``PATCH /v1/tasks/{id}`` as the spec shows them."""

    tasks: dict[str, JSON]
    patches: list[tuple[str, JSON]]
    _order: list[str] | None
    _lock: threading.RLock

    if TYPE_CHECKING:

        def update_task(self, task_id: str, **changes: Any) -> JSON: ...

    @staticmethod
    def _int(value: str | None, name: str, default: int) -> int:
        if value is None:
            return default
        try:
            return int(value)
        except ValueError:
            raise _BadRequest(f"{name} must be an integer") from None

    async def _list(self, request: Request) -> Response:
        q = request.query_params
        page, limit = self._int(q.get("page"), "page", 1), self._int(q.get("limit"), "limit", 20)
        if page < 1:
            raise _BadRequest("page must be >= 1")
        if not 1 <= limit <= 100:
            raise _BadRequest("limit must be between 1 and 100")
        for name, allowed in (("status", STATUSES), ("priority", PRIORITIES)):
            if name in q and q[name] not in allowed:
                raise _BadRequest(f"{name} must be one of {', '.join(allowed)}")
        if "assigned_to" in q and not q["assigned_to"]:
            raise _BadRequest("assigned_to must not be empty")
        bounds: dict[str, datetime] = {}
        for name in ("due_date_from", "due_date_to"):
            if name in q:
                try:
                    bounds[name] = parse_iso(q[name])
                except ValueError:
                    raise _BadRequest(f"{name} must be ISO 8601") from None

        def keep(task: JSON) -> bool:
            if any(k in q and task[k] != q[k] for k in ("status", "priority", "assigned_to")):
                return False
            if not bounds:
                return True
            if task["due_date"] is None:
                return False
            due = parse_iso(task["due_date"])
            low, high = bounds.get("due_date_from"), bounds.get("due_date_to")
            return (low is None or due >= low) and (high is None or due <= high)

        window = slice((page - 1) * limit, page * limit)
        with self._lock:
            if self._order is None:
                self._order = sorted(self.tasks)
            if bounds or any(k in q for k in ("status", "priority", "assigned_to")):
                found = [t for t in map(self.tasks.__getitem__, self._order) if keep(t)]
                total, data = len(found), [dict(t) for t in found[window]]
            else:  # one page of 100 000 tasks without copying or sorting them all again
                total, data = len(self._order), [dict(self.tasks[i]) for i in self._order[window]]
        pagination = {"page": page, "limit": limit, "total": total}
        pagination["pages"] = math.ceil(total / limit)
        return JSONResponse({"data": data, "pagination": pagination})

    async def _get(self, request: Request) -> Response:
        task_id = request.path_params["task_id"]
        with self._lock:
            task = self.tasks.get(task_id)
            task = dict(task) if task is not None else None
        if task is None:
            return _error(404, "not_found", f"task {task_id} does not exist")
        return JSONResponse(task)

    async def _patch(self, request: Request) -> Response:
        task_id = request.path_params["task_id"]
        body = await _json_body(request)
        if unknown := set(body) - {"status", "notes"}:
            raise _BadRequest(f"only status and notes can be changed, not {sorted(unknown)}")
        if not body:
            raise _BadRequest("nothing to change: send status and/or notes")
        if "status" in body and body["status"] not in STATUSES:
            raise _BadRequest(f"status must be one of {', '.join(STATUSES)}")
        notes = body.get("notes")
        if "notes" in body and (not isinstance(notes, str) or len(notes) > 2000):
            raise _BadRequest("notes must be a string of at most 2000 characters")
        with self._lock:
            if task_id not in self.tasks:
                return _error(404, "not_found", f"task {task_id} does not exist")
            task = self.update_task(task_id, **body)
            self.patches.append((task_id, body))
        return JSONResponse(task)
