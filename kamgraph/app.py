"""``create_app(settings)``: the Starlette application serving ``/graphql``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import uuid
from collections.abc import AsyncIterator, Mapping
from contextvars import ContextVar
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL

from kamgraph import db, metrics, tracing
from kamgraph.api import graphiql
from kamgraph.api.context import Context
from kamgraph.api.idempotency import Idempotency
from kamgraph.api.internals import HTTPException
from kamgraph.api.ratelimit import RateLimit, RateLimits
from kamgraph.api.schema import build_schema
from kamgraph.checks import check_keys, check_migrations, check_plugins, check_settings
from kamgraph.db.migrations import migrate, pending
from kamgraph.events.feed import EventFeed
from kamgraph.events.webhooks import worker as webhook_worker
from kamgraph.jobs import JobRunner
from kamgraph.jobs import scheduler as job_scheduler
from kamgraph.metrics import serves_metrics
from kamgraph.plugin_manager import PluginError, PluginManager, await_me_maybe
from kamgraph.security.audit import GroupCommit
from kamgraph.security.auth import authenticate, bearer_token
from kamgraph.security.permissions import Permissions
from kamgraph.settings import Settings

log = logging.getLogger("kamgraph")
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class PendingMigrations(RuntimeError):
    pass


# Why connection_init was refused, for the close frame: strawberry closes with a bare "Forbidden".
_REFUSAL: ContextVar[str] = ContextVar("refusal", default="Forbidden")
AUTHENTICATE = 'authentication required: send {"Authorization": "Bearer <token>"} as connectionParams'


class TextFrames(ASGIWebSocketAdapter):
    """Every message as a text frame, which is what graphql-ws, gql and GraphiQL read (the HTTP side's
    encoder returns bytes); a refusal closes with its reason."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        try:
            await self.ws.send_text(orjson.dumps(message).decode())
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc

    async def close(self, code: int, reason: str) -> None:
        await self.ws.close(code=code, reason=_REFUSAL.get() if code == 4403 else reason)


class KamgraphGraphQL(GraphQL):
    """strawberry's ASGI view with kamgraph's per-request context."""

    websocket_adapter_class = TextFrames

    def __init__(self, schema: Any, pm: PluginManager, settings: Settings, feed: EventFeed, **kwargs: Any) -> None:
        ide = "graphiql" if serves_graphiql(settings) else None
        super().__init__(
            schema,
            graphql_ide=ide,
            subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL],
            **kwargs,
        )
        self.feed = feed
        self.read_audit = GroupCommit()
        self.pm = pm
        self.settings = settings
        # node(id:) resolves the types the schema declares (node_type_of), and those registered by hook
        self.node_types = dict(schema.node_models)
        for name, (plugin, model) in pm.collect_unique("register_node_types", "node type").items():
            if self.node_types.setdefault(name, model) is not model:
                raise PluginError(f"plugin {plugin!r} registers node type {name!r} for another model than its type's")
        self.event_types = {
            name: text for name, (_, text) in pm.collect_unique("register_event_types", "event type").items()
        }
        self.health_signals = [
            signal for _, signal in pm.collect_unique("register_health_signals", "health signal").values()
        ]
        self.permissions = Permissions.from_plugins(pm)

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        """kamgraph's GraphiQL page, whose every asset this server serves (kamgraph.api.graphiql)."""
        return HTMLResponse(graphiql.page())

    async def get_context(self, request: Any, response: Any) -> Context:
        answer = self.pm.hook.actor_from_request(request=request, settings=self.settings, permissions=self.permissions)
        context = Context(
            actor=await await_me_maybe(answer),
            pm=self.pm,
            settings=self.settings,
            permissions=self.permissions,
            request=request,
            node_types=self.node_types,
            event_types=self.event_types,
            health_signals=self.health_signals,
            feed=self.feed,
            read_audit=self.read_audit,
        )
        incoming = request.headers.get("x-request-id", "")
        if REQUEST_ID.fullmatch(incoming):  # a caller's id ties our log to theirs; anything odd is dropped
            context.client_request_id = incoming
        if not isinstance(response, WebSocket):
            response.headers["X-Request-Id"] = context.request_id
            if context.client_request_id:
                response.headers["X-Client-Request-Id"] = context.client_request_id
        return context

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """strawberry answers a body it cannot read with bare text; kamgraph, like every error, with JSON, a
        code and a request id."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as refused:
            request_id = uuid.uuid4().hex
            response = JSONResponse(
                {
                    "errors": [
                        {"message": refused.reason, "extensions": {"code": "BAD_REQUEST", "requestId": request_id}}
                    ]
                },
                status_code=refused.status_code,
                headers={"X-Request-Id": request_id},
            )
        await response(scope, receive, send)

    def decode_json(self, data: str | bytes) -> object:
        """A request body is one JSON object (batches are off); a lone surrogate is not text (orjson refuses it,
        as a JSONDecodeError, which strawberry answers 400)."""
        decoded = orjson.loads(data)
        if not isinstance(decoded, dict):
            raise HTTPException(400, 'a GraphQL request is a JSON object: {"query": "...", "variables": {...}}')
        return decoded

    def encode_json(self, data: object) -> bytes:
        """orjson: several times faster than json.dumps on large responses (values are already serialized)."""
        return orjson.dumps(data)

    async def on_ws_connect(self, context: Context) -> None:
        """A subscription client authenticates in connection_init: ``{"Authorization": "Bearer <token>"}``,
        the name in any case (GraphiQL sends its Headers pane as is), or with the upgrade request's header."""
        params = context.connection_params if isinstance(context.connection_params, dict) else {}
        header = next((str(value) for name, value in params.items() if str(name).lower() == "authorization"), "")
        token = bearer_token(header)
        if token is not None:
            context.actor = await authenticate(token, self.permissions)
        if context.actor is None:
            reason = "invalid or expired token; log in again" if token is not None else AUTHENTICATE
            _REFUSAL.set(reason)
            raise ConnectionRejectionError({"message": reason})


def create_app(
    settings: Settings | None = None, pm: PluginManager | None = None, *, apply_migrations: bool = False
) -> Starlette:
    """The app for the enabled plugins. Startup refuses pending migrations unless ``apply_migrations``."""
    settings = settings or Settings.from_env()
    pm = pm or PluginManager.from_names(settings.plugins)
    check_plugins(pm)
    check_settings(settings, pm)
    tracing.start()  # before the schema: its extensions depend on it
    schema = build_schema(pm, settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with db.connect(settings, pm):
            await check_migrations(pm)
            todo = await pending(pm)
            if todo and not apply_migrations:
                raise PendingMigrations(
                    f"{len(todo)} migration(s) not applied: {', '.join(todo)}. Run `kamgraph migrate`, or start with --migrate."
                )
            if todo:
                await migrate(pm)
            await check_keys(settings)
            await pm.notify("startup", settings=settings, pm=pm)
            stop = asyncio.Event()
            workers = []
            if settings.webhook_worker:
                workers.append(asyncio.create_task(webhook_worker(settings, Permissions.from_plugins(pm), stop)))
            if settings.job_scheduler:
                workers.append(asyncio.create_task(job_scheduler(JobRunner(pm, settings), stop)))
            workers.append(asyncio.create_task(feed.run(stop)))
            if not settings.is_sqlite:  # the processes and nodes of one PostgreSQL database share their counts
                workers.append(asyncio.create_task(limits.run(stop)))
            try:
                yield
            finally:
                stop.set()
                await asyncio.gather(*workers)
                await pm.notify("shutdown", settings=settings)
                tracing.stop()  # what is buffered is sent

    feed = EventFeed(settings)
    limits = RateLimits(settings.rate_limit_per_address, settings.rate_limit_per_credential)
    graphql = KamgraphGraphQL(schema, pm, settings, feed)
    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/", lambda request: RedirectResponse("/graphql"), methods=["GET"]),
        Route("/healthz", _alive, methods=["GET"]),
        Route("/readyz", _ready, methods=["GET"]),
    ]
    if serves_metrics(settings):
        routes.append(Route("/metrics", metrics.endpoint, methods=["GET"]))
    if serves_graphiql(settings):
        routes.append(Mount(graphiql.PREFIX, graphiql.assets(), name="graphiql"))
    for _, extra in pm.collect("register_routes"):
        routes.extend(extra)
    middleware = [
        *_cors(settings),
        Middleware(RateLimit, limits=limits),
        Middleware(Idempotency, permissions=Permissions.from_plugins(pm)),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, middleware=middleware)
    app.state.settings = settings
    app.state.limits = limits
    app.state.pm = pm
    app.state.metric_collectors = metrics.collectors(pm)
    app.state.schema = schema
    return app


def serves_graphiql(settings: Settings) -> bool:
    return settings.graphiql and not settings.production


def _cors(settings: Settings) -> list[Middleware]:
    """Outermost, so that a browser can read every answer, a 429 included; preflights are answered here."""
    if not settings.cors_origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id", "Accept-Language"],
            allow_credentials=True,
            expose_headers=["X-Request-Id", "X-Client-Request-Id", "Idempotent-Replayed", "Retry-After"],
            max_age=600,
        )
    ]


async def _alive(request: Request) -> JSONResponse:
    """Liveness: the process answers. It does not touch the database, so that an orchestrator restarts a
    stuck process, not every process of a database that is down for a minute."""
    return JSONResponse({"status": "ok"})


async def _ready(request: Request) -> JSONResponse:
    """Readiness: the database answers and every migration of the enabled plugins is applied, so traffic
    goes only to a process that can serve it."""
    try:
        await db.db().execute_query("SELECT 1")
        todo = await pending(request.app.state.pm)
    except Exception as fault:  # whatever the driver raises, the answer is "not ready", and why
        log.warning("not ready: the database does not answer: %s", fault)
        return JSONResponse({"status": "unavailable", "reason": "the database does not answer"}, status_code=503)
    if todo:
        reason = f"{len(todo)} migration(s) not applied: {', '.join(todo)}"
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
    return JSONResponse({"status": "ready"})


def app_from_env() -> Starlette:
    """The app of a worker process (``kamgraph serve --workers N``), configured from the environment."""
    return create_app(Settings.from_env())
