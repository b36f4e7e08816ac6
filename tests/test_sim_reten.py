"""The Reten simulator: OAuth 2.0 (client credentials, authorization code, refresh), JWTs,
scopes, paginated and filtered tasks, PATCH, signed webhooks, rate limit and injected failures."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from vetanco.sim.receiver import Receiver
from vetanco.sim.reten import (
    EVENTS,
    PRIORITIES,
    STATUSES,
    TASK_FIELDS,
    InvalidTokenError,
    RetenSim,
    decode_jwt,
    encode_jwt,
    parse_iso,
    parse_rate,
)

CLIENT, SECRET = "sim-client", "sim-secret"
CALLBACK = "http://127.0.0.1:9/callback"
ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$")
MakeSim = Callable[..., RetenSim]


@pytest.fixture
def make_sim() -> Iterator[MakeSim]:
    started: list[RetenSim] = []

    def make(**kwargs: Any) -> RetenSim:
        sim = RetenSim(**kwargs).start()
        started.append(sim)
        return sim

    yield make
    for sim in started:
        sim.stop()


@pytest.fixture
def sim(make_sim: MakeSim) -> RetenSim:
    return make_sim(tasks=250, seed=7)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver().start()
    yield r
    r.stop()


def fetch_token(sim: RetenSim, scope: str | None = None, **form: str) -> httpx.Response:
    data = {"grant_type": "client_credentials", "client_id": CLIENT, "client_secret": SECRET}
    if scope is not None:
        data["scope"] = scope
    return httpx.post(sim.token_url, data=data | form)


def token(sim: RetenSim, scope: str | None = None) -> str:
    response = fetch_token(sim, scope)
    assert response.status_code == 200, response.text
    access: str = response.json()["access_token"]
    return access


def api(sim: RetenSim, method: str, path: str, tok: str | None, **kwargs: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {tok}"} if tok else {}
    return httpx.request(method, f"{sim.base_url}{path}", headers=headers, **kwargs)


def unverified_claims(jwt: str) -> dict[str, Any]:
    payload = jwt.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims


# --- JWT -----------------------------------------------------------------------------------------


def test_jwt_roundtrip_and_rejections() -> None:
    jwt = encode_jwt({"sub": "x", "exp": time.time() + 60}, "k")
    assert decode_jwt(jwt, "k")["sub"] == "x"
    header = json.loads(base64.urlsafe_b64decode(jwt.split(".")[0] + "=="))
    assert header == {"alg": "HS256", "typ": "JWT"}
    with pytest.raises(InvalidTokenError, match="signature"):
        decode_jwt(jwt, "other key")
    head, body, sig = jwt.split(".")
    with pytest.raises(InvalidTokenError):
        decode_jwt(f"{head}.{body}.{sig[:-2]}AA", "k")
    none_header = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
    with pytest.raises(InvalidTokenError, match="HS256"):
        decode_jwt(f"{none_header}.{body}.", "k")
    with pytest.raises(InvalidTokenError, match="expired"):
        decode_jwt(encode_jwt({"exp": time.time() - 1}, "k"), "k")
    for garbage in ("", "a.b", "a.b.c", "é.é.é"):
        with pytest.raises(InvalidTokenError):
            decode_jwt(garbage, "k")


# --- OAuth 2.0 -----------------------------------------------------------------------------------


def test_client_credentials_token_and_claims(sim: RetenSim) -> None:
    before = int(time.time())
    response = fetch_token(sim)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == "tasks:read tasks:write"
    assert "refresh_token" not in body
    claims = unverified_claims(body["access_token"])
    assert claims["sub"] == CLIENT
    assert claims["scope"] == "tasks:read tasks:write"
    assert before <= claims["iat"] <= time.time()
    assert 3600 <= claims["exp"] - claims["iat"] <= 3601
    assert re.fullmatch(r"[0-9a-f]{32}", claims["jti"])
    assert api(sim, "GET", "/tasks", body["access_token"]).status_code == 200


def test_client_credentials_with_http_basic(sim: RetenSim) -> None:
    form = {"grant_type": "client_credentials", "scope": "tasks:read"}
    response = httpx.post(sim.token_url, data=form, auth=(CLIENT, SECRET))
    assert response.status_code == 200
    assert response.json()["scope"] == "tasks:read"
    bad = httpx.post(sim.token_url, data=form, auth=(CLIENT, "wrong"))
    assert bad.status_code == 401
    assert bad.json()["error"] == "invalid_client"
    assert bad.headers["www-authenticate"].startswith("Basic")


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        ({"client_secret": "wrong"}, 401, "invalid_client"),
        ({"client_id": "someone-else"}, 401, "invalid_client"),
        ({"client_id": "cliente-ñandú", "client_secret": "contraseña"}, 401, "invalid_client"),
        ({"scope": "tasks:read tasks:delete"}, 400, "invalid_scope"),
        ({"scope": "admin"}, 400, "invalid_scope"),
        ({"grant_type": "password"}, 400, "unsupported_grant_type"),
    ],
)
def test_token_errors(sim: RetenSim, form: dict[str, str], status: int, error: str) -> None:
    response = fetch_token(sim, **form)
    assert response.status_code == status
    assert response.json()["error"] == error


def test_token_needs_credentials_and_a_form(sim: RetenSim) -> None:
    response = httpx.post(sim.token_url, data={"grant_type": "client_credentials"})
    assert (response.status_code, response.json()["error"]) == (401, "invalid_client")
    as_json = {"grant_type": "client_credentials", "client_id": CLIENT, "client_secret": SECRET}
    response = httpx.post(sim.token_url, json=as_json)
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")


def test_token_expiry(make_sim: MakeSim) -> None:
    sim = make_sim(tasks=3, token_ttl=1)
    tok = token(sim)
    claims = unverified_claims(tok)
    assert api(sim, "GET", "/tasks", tok).status_code == 200
    time.sleep(max(0.0, claims["exp"] - time.time()) + 0.05)
    response = api(sim, "GET", "/tasks", tok)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_expire_tokens_revokes_everything_issued(sim: RetenSim) -> None:
    old1, old2 = token(sim), token(sim)
    sim.expire_tokens()
    for tok in (old1, old2):
        response = api(sim, "GET", "/tasks/task_000001", tok)
        assert response.status_code == 401
        assert response.json() == {"error": "invalid_token", "message": "token revoked or expired"}
        assert 'Bearer realm="reten", error="invalid_token"' in response.headers["www-authenticate"]
    assert api(sim, "GET", "/tasks/task_000001", token(sim)).status_code == 200


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer nonsense", "Basic abc", "Bearer a.b.c"])
def test_missing_or_bad_bearer(sim: RetenSim, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = httpx.get(f"{sim.base_url}/tasks", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_forged_token_is_refused(sim: RetenSim) -> None:
    claims = unverified_claims(token(sim))
    assert api(sim, "GET", "/tasks", encode_jwt(claims, "guessed-key")).status_code == 401


def test_scopes(sim: RetenSim) -> None:
    read, write = token(sim, "tasks:read"), token(sim, "tasks:write")
    assert api(sim, "GET", "/tasks", read).status_code == 200
    assert api(sim, "GET", "/tasks/task_000001", read).status_code == 200
    hook = {"url": "http://127.0.0.1:9/h", "events": ["task.created"], "secret": "s"}
    for response in (
        api(sim, "PATCH", "/tasks/task_000001", read, json={"status": "in_progress"}),
        api(sim, "POST", "/webhooks", read, json=hook),
        api(sim, "GET", "/tasks", write),
    ):
        assert response.status_code == 403
        assert response.json()["error"] == "insufficient_scope"
        assert 'error="insufficient_scope"' in response.headers["www-authenticate"]
    assert api(sim, "PATCH", "/tasks/task_000001", write, json={"notes": "x"}).status_code == 200
    assert sim.patches == [("task_000001", {"notes": "x"})]


def authorize(sim: RetenSim, **params: str) -> httpx.Response:
    query = {
        "client_id": CLIENT,
        "redirect_uri": CALLBACK,
        "scope": "tasks:read tasks:write",
        "response_type": "code",
        "state": "xyz-123",
    }
    return httpx.get(sim.authorize_url, params=query | params, follow_redirects=False)


def code_from(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def test_authorization_code_and_refresh_flow(sim: RetenSim) -> None:
    answer = code_from(authorize(sim))
    assert answer["state"] == "xyz-123"
    exchange = {
        "grant_type": "authorization_code",
        "code": answer["code"],
        "redirect_uri": CALLBACK,
    }
    response = httpx.post(sim.token_url, data=exchange, auth=(CLIENT, SECRET))
    assert response.status_code == 200
    first = response.json()
    assert first["refresh_token"].startswith("rt_")
    assert first["scope"] == "tasks:read tasks:write"
    assert api(sim, "GET", "/tasks", first["access_token"]).status_code == 200

    again = httpx.post(sim.token_url, data=exchange, auth=(CLIENT, SECRET))
    assert (again.status_code, again.json()["error"]) == (400, "invalid_grant")  # single use

    sim.expire_tokens()
    assert api(sim, "GET", "/tasks", first["access_token"]).status_code == 401
    refresh = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    response = httpx.post(sim.token_url, data=refresh, auth=(CLIENT, SECRET))
    assert response.status_code == 200
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]  # rotated
    assert second["access_token"] != first["access_token"]
    assert api(sim, "GET", "/tasks", second["access_token"]).status_code == 200
    reused = httpx.post(sim.token_url, data=refresh, auth=(CLIENT, SECRET))
    assert (reused.status_code, reused.json()["error"]) == (400, "invalid_grant")

    narrower = {"grant_type": "refresh_token", "refresh_token": second["refresh_token"]}
    response = httpx.post(
        sim.token_url, data=narrower | {"scope": "tasks:read"}, auth=(CLIENT, SECRET)
    )
    assert response.json()["scope"] == "tasks:read"
    assert "tasks:write" not in unverified_claims(response.json()["access_token"])["scope"]


def test_authorization_code_checks(sim: RetenSim) -> None:
    code = code_from(authorize(sim))["code"]
    wrong_uri = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK + "x"}
    response = httpx.post(sim.token_url, data=wrong_uri, auth=(CLIENT, SECRET))
    assert (response.status_code, response.json()["error"]) == (400, "invalid_grant")
    exchange = wrong_uri | {"redirect_uri": CALLBACK}  # the code was burnt by the failed attempt
    response = httpx.post(sim.token_url, data=exchange, auth=(CLIENT, SECRET))
    assert response.json()["error"] == "invalid_grant"

    code = code_from(authorize(sim, scope="tasks:read"))["code"]
    exchange = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK}
    response = httpx.post(sim.token_url, data=exchange, auth=(CLIENT, "wrong"))
    assert response.status_code == 401

    assert code_from(authorize(sim, response_type="token"))["error"] == "unsupported_response_type"
    denied = code_from(authorize(sim, scope="tasks:admin"))
    assert denied == {"error": "invalid_scope", "state": "xyz-123"}
    unknown = authorize(sim, client_id="intruder")
    assert (unknown.status_code, unknown.json()["error"]) == (400, "invalid_client")
    no_uri = authorize(sim, redirect_uri="not a url")
    assert (no_uri.status_code, no_uri.json()["error"]) == (400, "invalid_request")


# --- generated tasks -----------------------------------------------------------------------------


def test_generated_tasks_look_like_the_spec(sim: RetenSim) -> None:
    tasks = sim.snapshot()
    assert len(tasks) == 250
    assert sorted(tasks) == [f"task_{n:06d}" for n in range(1, 251)]
    now = datetime.now(UTC)
    for task in tasks.values():
        assert tuple(task) == TASK_FIELDS
        assert task["status"] in STATUSES
        assert task["priority"] in PRIORITIES
        assert re.fullmatch(r"user_\d{3}", task["assigned_to"])
        for key in ("due_date", "created_at", "updated_at"):
            assert ISO_Z.match(task[key]), task[key]
        assert parse_iso(task["created_at"]) <= parse_iso(task["updated_at"]) <= now
        assert task["title"]
        assert task["description"]
    titles = [t["title"] for t in tasks.values()]
    reclamos = [t for t in titles if re.search(r"Seguimiento reclamo VET-\d{4}-\d{5}\b", t)]
    assert 3 <= len(reclamos) <= 30
    assert sum(t.startswith("Visita a Cliente") for t in titles) >= 30
    dues = [parse_iso(t["due_date"]) for t in tasks.values()]
    assert min(dues) < now - timedelta(days=7)
    assert max(dues) > now + timedelta(days=7)
    assert {t["status"] for t in tasks.values()} == set(STATUSES)
    assert {t["priority"] for t in tasks.values()} == set(PRIORITIES)
    same = RetenSim(tasks=250, seed=7).snapshot()
    assert [t["title"] for t in same.values()] == titles  # seeded
    other = RetenSim(tasks=250, seed=8).snapshot()
    assert [t["title"] for t in other.values()] != titles


# --- GET /tasks ----------------------------------------------------------------------------------


def test_pagination_over_250_tasks(sim: RetenSim) -> None:
    tok = token(sim)
    seen: list[str] = []
    for page, size in ((1, 100), (2, 100), (3, 50)):
        body = api(sim, "GET", "/tasks", tok, params={"page": page, "limit": 100}).json()
        assert body["pagination"] == {"page": page, "limit": 100, "total": 250, "pages": 3}
        assert len(body["data"]) == size
        seen += [t["id"] for t in body["data"]]
    assert seen == sorted(set(seen))
    assert len(seen) == 250
    assert seen == sorted(sim.snapshot())
    beyond = api(sim, "GET", "/tasks", tok, params={"page": 4, "limit": 100}).json()
    assert beyond == {"data": [], "pagination": {"page": 4, "limit": 100, "total": 250, "pages": 3}}
    default = api(sim, "GET", "/tasks", tok).json()
    assert default["pagination"] == {"page": 1, "limit": 20, "total": 250, "pages": 13}
    assert [t["id"] for t in default["data"]] == seen[:20]
    assert default["data"][0] == sim.snapshot()[seen[0]]


def list_all(sim: RetenSim, tok: str, **params: str) -> list[dict[str, Any]]:
    body = api(sim, "GET", "/tasks", tok, params={**params, "limit": 100}).json()
    found: list[dict[str, Any]] = body["data"]
    for page in range(2, body["pagination"]["pages"] + 1):
        query = {**params, "limit": 100, "page": page}
        found += api(sim, "GET", "/tasks", tok, params=query).json()["data"]
    assert len(found) == body["pagination"]["total"]
    return found


def test_every_filter(sim: RetenSim) -> None:
    tok, tasks = token(sim), list(sim.snapshot().values())

    def ids(pred: Callable[[dict[str, Any]], bool]) -> list[str]:
        return sorted(t["id"] for t in tasks if pred(t))

    for status in STATUSES:
        expected = ids(lambda t, status=status: t["status"] == status)
        assert expected
        assert [t["id"] for t in list_all(sim, tok, status=status)] == expected
    for priority in PRIORITIES:
        expected = ids(lambda t, priority=priority: t["priority"] == priority)
        assert [t["id"] for t in list_all(sim, tok, priority=priority)] == expected
    user = tasks[0]["assigned_to"]
    expected = ids(lambda t: t["assigned_to"] == user)
    assert [t["id"] for t in list_all(sim, tok, assigned_to=user)] == expected
    assert list_all(sim, tok, assigned_to="user_nobody") == []

    now = datetime.now(UTC).replace(microsecond=0)
    low, high = now - timedelta(days=5), now + timedelta(days=5)
    iso = {"due_date_from": low.isoformat().replace("+00:00", "Z"), "due_date_to": high.isoformat()}
    expected = ids(lambda t: low <= parse_iso(t["due_date"]) <= high)
    assert expected
    assert [t["id"] for t in list_all(sim, tok, **iso)] == expected
    expected = ids(lambda t: parse_iso(t["due_date"]) >= low)
    assert [t["id"] for t in list_all(sim, tok, due_date_from=iso["due_date_from"])] == expected
    expected = ids(lambda t: parse_iso(t["due_date"]) <= high)
    assert [t["id"] for t in list_all(sim, tok, due_date_to=iso["due_date_to"])] == expected

    combined = {"status": "pending", "priority": "high", **iso}
    expected = ids(
        lambda t: (
            t["status"] == "pending"
            and t["priority"] == "high"
            and low <= parse_iso(t["due_date"]) <= high
        )
    )
    assert [t["id"] for t in list_all(sim, tok, **combined)] == expected


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "101"},
        {"limit": "0"},
        {"limit": "ten"},
        {"page": "0"},
        {"page": "x"},
        {"status": "done"},
        {"priority": "critical"},
        {"assigned_to": ""},
        {"due_date_from": "mañana"},
        {"due_date_to": "2024-13-45"},
    ],
)
def test_bad_query_is_400(sim: RetenSim, params: dict[str, str]) -> None:
    response = api(sim, "GET", "/tasks", token(sim), params=params)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_get_one_task_and_404(sim: RetenSim) -> None:
    tok = token(sim)
    assert api(sim, "GET", "/tasks/task_000042", tok).json() == sim.snapshot()["task_000042"]
    missing = api(sim, "GET", "/tasks/task_999999", tok)
    assert (missing.status_code, missing.json()["error"]) == (404, "not_found")
    sim.delete_task("task_000042")
    assert api(sim, "GET", "/tasks/task_000042", tok).status_code == 404
    assert "task_000042" not in [t["id"] for t in list_all(sim, tok)]
    assert not sim.deliveries


# --- PATCH and the Python-side mutators ----------------------------------------------------------


def test_patch_validation(sim: RetenSim) -> None:
    tok = token(sim)
    path = "/tasks/task_000001"
    before = sim.snapshot()["task_000001"]
    for body in (
        {"status": "done"},
        {"status": None},
        {"priority": "high"},
        {},
        {"notes": 42},
        {"notes": "x" * 2001},
        ["status"],
    ):
        response = api(sim, "PATCH", path, tok, json=body)
        assert response.status_code == 400, body
        assert response.json()["error"] == "invalid_request"
    response = api(sim, "PATCH", path, tok, content=b"{not json")
    assert response.status_code == 400
    assert api(sim, "PATCH", "/tasks/task_999999", tok, json={"notes": "x"}).status_code == 404
    assert sim.snapshot()["task_000001"] == before
    assert sim.patches == []

    body = {"status": "in_progress", "notes": "Iniciando visita al cliente"}
    response = api(sim, "PATCH", path, tok, json=body)
    assert response.status_code == 200
    task = response.json()
    assert task == sim.snapshot()["task_000001"]
    assert tuple(task) == TASK_FIELDS
    assert task["status"] == "in_progress"
    assert parse_iso(task["updated_at"]) > parse_iso(before["updated_at"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", task["updated_at"])
    assert {k: v for k, v in task.items() if k not in ("status", "updated_at")} == {
        k: v for k, v in before.items() if k not in ("status", "updated_at")
    }
    assert sim.patches == [("task_000001", body)]
    assert sim.notes["task_000001"] == ["Iniciando visita al cliente"]


def test_updated_at_strictly_increases(make_sim: MakeSim) -> None:
    sim = make_sim(tasks=2)
    stamps = [sim.add_task(title="Visita a Cliente Nuevo")["updated_at"]]
    for i in range(300):
        stamps.append(sim.update_task(f"task_00000{1 + i % 3}", description=f"v{i}")["updated_at"])
    assert all(ISO_Z.match(s) and "." in s for s in stamps)
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == len(stamps)
    generated = max(t["updated_at"] for t in RetenSim(tasks=2).snapshot().values())
    assert parse_iso(stamps[0]) > parse_iso(generated)


def test_mutators_validate(make_sim: MakeSim) -> None:
    sim = make_sim(tasks=1)
    with pytest.raises(KeyError):
        sim.update_task("task_404", status="completed")
    with pytest.raises(ValueError, match="status"):
        sim.update_task("task_000001", status="finished")
    with pytest.raises(ValueError, match="cannot be changed"):
        sim.update_task("task_000001", id="task_x")
    with pytest.raises(ValueError, match="unknown"):
        sim.add_task(colour="red")
    with pytest.raises(ValueError, match="priority"):
        sim.add_task(priority="whenever")
    with pytest.raises(ValueError, match="already exists"):
        sim.add_task(id="task_000001")
    with pytest.raises(KeyError):
        sim.delete_task("task_404")
    task = sim.add_task(title="Visita a Cliente X", assigned_to="user_007", due_date=None)
    assert task["id"] == "task_000002"
    assert task["status"] == "pending"
    assert task["due_date"] is None
    assert task["created_at"] == task["updated_at"]


# --- webhooks ------------------------------------------------------------------------------------


def register(sim: RetenSim, receiver: Receiver, events: list[str] | None = None) -> dict[str, Any]:
    hook = {"url": f"{receiver.url}/webhooks/reten", "events": events or list(EVENTS)}
    response = api(sim, "POST", "/webhooks", token(sim), json=hook | {"secret": "whsec"})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_webhook_registration(sim: RetenSim, receiver: Receiver) -> None:
    body = register(sim, receiver, ["task.created", "task.completed"])
    assert set(body) == {"id", "url", "events"}
    assert body["id"].startswith("wh_")
    assert body["events"] == ["task.created", "task.completed"]
    assert sim.webhooks == [body | {"secret": "whsec"}]
    tok = token(sim)
    ok = {"url": "http://127.0.0.1:9/h", "events": ["task.created"], "secret": "s"}
    for bad in (
        ok | {"events": ["task.deleted"]},
        ok | {"events": []},
        ok | {"events": "task.created"},
        ok | {"url": "ftp://x/y"},
        {k: v for k, v in ok.items() if k != "url"},
        {k: v for k, v in ok.items() if k != "secret"},
    ):
        response = api(sim, "POST", "/webhooks", tok, json=bad)
        assert response.status_code == 400, bad
    assert len(sim.webhooks) == 1


def test_webhooks_delivered_signed_and_in_order(sim: RetenSim, receiver: Receiver) -> None:
    register(sim, receiver)
    created = sim.add_task(title="Visita a Cliente Granja Ñandú", assigned_to="user_321")
    sim.update_task(created["id"], status="in_progress")
    patched = api(sim, "PATCH", f"/tasks/{created['id']}", token(sim), json={"status": "completed"})
    assert patched.status_code == 200
    sim.update_task(created["id"], notes="ya completada")  # completed → completed: an update
    sim.wait_deliveries(4)
    assert [d["event"] for d in sim.deliveries] == [
        "task.created",
        "task.updated",
        "task.completed",
        "task.updated",
    ]
    assert all(d["delivered"] and d["status"] == 200 for d in sim.deliveries)
    got = receiver.snapshot()
    assert [g.body for g in got] == [d["body"] for d in sim.deliveries]
    statuses = []
    for g in got:
        assert g.path == "/webhooks/reten"
        assert g.headers["content-type"] == "application/json"
        expected = hmac.new(b"whsec", g.body, hashlib.sha256).hexdigest()
        assert g.headers["x-reten-signature"] == f"sha256={expected}"
        payload = json.loads(g.body)
        assert set(payload) == {"event", "timestamp", "data"}
        assert ISO_Z.match(payload["timestamp"])
        assert set(payload["data"]) == {"id", "title", "status", "assigned_to"}
        assert payload["data"]["id"] == created["id"]
        assert payload["data"]["assigned_to"] == "user_321"
        statuses.append(payload["data"]["status"])
    assert statuses == ["pending", "in_progress", "completed", "completed"]
    assert "Ñandú".encode() in got[0].body  # raw UTF-8, compact: re-serialising breaks the HMAC
    assert json.dumps(json.loads(got[0].body)).encode() != got[0].body


def test_webhooks_only_for_subscribed_events(sim: RetenSim, receiver: Receiver) -> None:
    register(sim, receiver, ["task.completed"])
    sim.update_task("task_000001", status="pending")
    sim.update_task("task_000001", status="completed")
    sim.add_task()
    sim.wait_deliveries(1)
    time.sleep(0.2)
    assert [(d["event"], d["task_id"]) for d in sim.deliveries] == [
        ("task.completed", "task_000001")
    ]


def test_drop_webhooks_delivers_nothing(make_sim: MakeSim, receiver: Receiver) -> None:
    sim = make_sim(tasks=5, drop_webhooks=1.0)
    register(sim, receiver)
    for i in range(1, 6):
        sim.update_task(f"task_00000{i}", status="cancelled")
    sim.wait_deliveries(5)
    assert [d["delivered"] for d in sim.deliveries] == [False] * 5
    assert all(d["dropped"] and d["status"] is None for d in sim.deliveries)
    assert receiver.snapshot() == []
    sim.drop_webhooks = 0.0
    sim.update_task("task_000001", status="pending")
    sim.wait_deliveries(6)
    assert sim.deliveries[-1]["delivered"]
    assert len(receiver.snapshot()) == 1


def test_unreachable_or_failing_receiver_is_recorded(make_sim: MakeSim) -> None:
    sim = make_sim(tasks=1)
    failing = Receiver()
    failing.behaviour.default = 500
    failing.start()
    try:
        sim.add_webhook(f"{failing.url}/h", ["task.updated"], "s")
        sim.add_webhook("http://127.0.0.1:9/down", ["task.updated"], "s")
        sim.update_task("task_000001", notes="x")
        sim.wait_deliveries(2)
    finally:
        failing.stop()
    first, second = sim.deliveries
    assert (first["delivered"], first["status"]) == (False, 500)
    assert (second["delivered"], second["status"], second["dropped"]) == (False, None, False)


# --- rate limit, injected failures, latency ------------------------------------------------------


def test_rate_limit_headers_and_429(make_sim: MakeSim) -> None:
    sim = make_sim(tasks=3, rate_limit="3/minute")
    tok = token(sim)
    remaining = []
    for _ in range(3):
        response = api(sim, "GET", "/tasks", tok)
        assert response.status_code == 200
        assert response.headers["x-ratelimit-limit"] == "3"
        reset = int(response.headers["x-ratelimit-reset"])
        assert time.time() < reset <= time.time() + 61
        remaining.append(response.headers["x-ratelimit-remaining"])
    assert remaining == ["2", "1", "0"]
    limited = api(sim, "GET", "/tasks/task_000001", tok)
    assert limited.status_code == 429
    assert limited.json()["error"] == "rate_limited"
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert limited.headers["x-ratelimit-remaining"] == "0"
    assert fetch_token(sim).status_code == 200  # the token endpoint is not limited
    assert api(sim, "GET", "/tasks", token(sim)).status_code == 429  # per client, not per token
    unauthenticated = api(sim, "GET", "/tasks", None)
    assert unauthenticated.status_code == 401
    assert "x-ratelimit-limit" not in unauthenticated.headers


def test_rate_limit_window_comes_back(make_sim: MakeSim) -> None:
    sim = make_sim(tasks=1, rate_limit="2/2 seconds")
    tok = token(sim)
    responses = [api(sim, "GET", "/tasks", tok) for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    time.sleep(max(0.0, int(responses[-1].headers["x-ratelimit-reset"]) - time.time()) + 0.05)
    again = api(sim, "GET", "/tasks", tok)
    assert again.status_code == 200
    assert again.headers["x-ratelimit-remaining"] == "1"
    sim.rate_limit = None
    response = api(sim, "GET", "/tasks", tok)
    assert "x-ratelimit-limit" not in response.headers


def test_parse_rate() -> None:
    assert parse_rate("100/minute") == (100, 60.0)
    assert parse_rate("10 per second") == (10, 1.0)
    assert parse_rate("5/30s") == (5, 30.0)
    assert parse_rate("1000/days") == (1000, 86400.0)
    for bad in ("fast", "0/minute", "10/fortnight", "/minute"):
        with pytest.raises(ValueError, match="rate limit"):
            parse_rate(bad)


def test_fail_next(sim: RetenSim) -> None:
    tok = token(sim)
    sim.fail_next(500)
    response = api(sim, "GET", "/tasks", tok)
    assert (response.status_code, response.json()["error"]) == (500, "internal")
    assert api(sim, "GET", "/tasks", tok).status_code == 200
    sim.fail_next(503, times=2)
    assert fetch_token(sim).status_code == 200  # the token endpoint does not consume failures
    first, second = api(sim, "GET", "/tasks", tok), api(sim, "PATCH", "/tasks/task_000001", tok)
    assert (first.status_code, second.status_code) == (503, 503)
    assert first.headers["retry-after"] == "1"
    sim.fail_next(429)
    response = api(sim, "GET", "/tasks", tok)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "1"
    assert api(sim, "GET", "/tasks", tok).status_code == 200
    assert sim.patches == []


def test_fail_rate(make_sim: MakeSim) -> None:
    sim = make_sim(tasks=1, fail_rate=1.0)
    tok = token(sim)
    assert api(sim, "GET", "/tasks", tok).json() == {
        "error": "internal",
        "message": "simulated failure (500)",
    }
    sim.fail_rate = 0.5
    codes = [api(sim, "GET", "/tasks", tok).status_code for _ in range(40)]
    assert set(codes) == {200, 500}
    sim.fail_rate = 0.0
    assert api(sim, "GET", "/tasks", tok).status_code == 200


def test_latency(make_sim: MakeSim) -> None:
    sim = make_sim(tasks=1, latency=0.5)
    tok = token(sim)
    started = time.perf_counter()
    assert api(sim, "GET", "/tasks", tok).status_code == 200
    assert time.perf_counter() - started >= 0.5
    sim.latency = 0.0
    started = time.perf_counter()
    api(sim, "GET", "/tasks", tok)
    assert time.perf_counter() - started < 0.5


def test_requests_log(sim: RetenSim) -> None:
    tok = token(sim)
    api(sim, "GET", "/tasks", tok, params={"page": 2})
    api(sim, "GET", "/tasks/nope", tok)
    api(sim, "GET", "/tasks", None)
    api(sim, "DELETE", "/tasks/task_000001", tok)
    assert sim.requests == [
        ("POST", "/v1/auth/token", 200),
        ("GET", "/v1/tasks", 200),
        ("GET", "/v1/tasks/nope", 404),
        ("GET", "/v1/tasks", 401),
        ("DELETE", "/v1/tasks/task_000001", 405),
    ]


def test_sim_control_endpoints(sim: RetenSim, receiver: Receiver) -> None:
    register(sim, receiver)
    root = sim.base_url.removesuffix("/v1")
    created = httpx.post(f"{root}/sim/tasks", json={"title": "Visita a Cliente Manual"})
    assert created.status_code == 201
    task_id = created.json()["id"]
    changed = httpx.patch(f"{root}/sim/tasks/{task_id}", json={"status": "completed"})
    assert changed.json()["status"] == "completed"
    assert httpx.patch(f"{root}/sim/tasks/{task_id}", json={"status": "x"}).status_code == 400
    assert httpx.delete(f"{root}/sim/tasks/{task_id}").status_code == 204
    assert httpx.delete(f"{root}/sim/tasks/{task_id}").status_code == 404
    sim.wait_deliveries(2)
    assert [d["event"] for d in sim.deliveries] == ["task.created", "task.completed"]
    tok = token(sim)
    assert httpx.post(f"{root}/sim/expire-tokens").status_code == 204
    assert api(sim, "GET", "/tasks", tok).status_code == 401
