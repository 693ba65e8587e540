"""The ``reelgraph`` command: up, api, worker, demo, apikey create|list|revoke, token create,
signing-key rotate, schema."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from graph.errors import ReelgraphError, StackError
from graph.file_modes import apply_private_umask
from graph.orgs import ApiKey
from graph.settings import Settings, load_settings

if TYPE_CHECKING:
    from graph.state import AppState

T = TypeVar("T")


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, object] = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    if getattr(args, "host", None):
        overrides["host"] = args.host
    if getattr(args, "port", None) is not None:
        overrides["port"] = args.port
    if getattr(args, "graph", None):
        overrides["graph_store"] = args.graph
    return load_settings(**overrides)


def cmd_up(args: argparse.Namespace) -> None:
    from api.server import serve

    asyncio.run(serve(_settings(args)))


def _external_settings(args: argparse.Namespace, command: str) -> Settings:
    """The settings of a process that runs against servers named in the environment."""
    settings = _settings(args)
    named = {"DATABASE_URL": settings.database_url, "REDIS_URL": settings.redis_url}
    if settings.graph_store == "neo4j":
        named["NEO4J_URI"] = settings.neo4j_uri
    missing = [name for name, value in named.items() if not value]
    if missing:
        raise StackError(
            f"`reelgraph {command}` runs against your servers: set {', '.join(missing)} "
            "(or run `reelgraph up` for embedded ones)"
        )
    return settings


def cmd_api(args: argparse.Namespace) -> None:
    from api.server import serve_api

    asyncio.run(serve_api(_external_settings(args, "api")))


def cmd_worker(args: argparse.Namespace) -> None:
    from workers.worker_process import run_worker

    asyncio.run(run_worker(_external_settings(args, "worker")))


def cmd_demo(args: argparse.Namespace) -> None:
    from api.demo import run_demo

    asyncio.run(run_demo(_settings(args), once=args.once))


def _with_state(args: argparse.Namespace, use: Callable[[AppState], Awaitable[T]]) -> T:
    """Run ``use`` against the stack that `reelgraph up` runs on this data directory."""
    from graph.embedded.stack import read_state
    from graph.runtime import close_state, open_state

    async def run() -> T:
        state = await open_state(read_state(_settings(args)), prepare=False)
        try:
            return await use(state)
        finally:
            await close_state(state)

    return asyncio.run(run())


def cmd_apikey_create(args: argparse.Namespace) -> None:
    from api.services.auth import create_api_key

    async def create(state: AppState) -> str:
        key, _ = await create_api_key(
            state.orgs, args.org, args.scope or ["file"], args.name, args.project, args.email
        )
        return key

    key = _with_state(args, create)
    print(f"API key for org {args.org!r} (shown once; only its hash is stored):", file=sys.stderr)
    print(key)


def _when(epoch_s: float | None) -> str:
    if epoch_s is None:
        return "-"
    return datetime.fromtimestamp(epoch_s, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cmd_apikey_list(args: argparse.Namespace) -> None:
    async def listing(state: AppState) -> list[ApiKey]:
        return await state.orgs.list_api_keys(args.org)

    print("ID\tORG\tNAME\tSCOPES\tCREATED\tREVOKED\tPROJECT")
    for key in _with_state(args, listing):
        fields = (key.id, key.org_name, key.name or "-", ",".join(key.scopes))
        dates = (_when(key.created_at), _when(key.revoked_at))
        print("\t".join((*map(str, fields), *dates, key.project_id or "-")))


def cmd_apikey_revoke(args: argparse.Namespace) -> None:
    from api.services.auth import revoke_api_key

    async def revoke(state: AppState) -> ApiKey:
        return await revoke_api_key(state, args.key_id)

    key = _with_state(args, revoke)
    print(f"revoked API key {key.id} of org {key.org_name!r} and every token issued for it")


def cmd_token_create(args: argparse.Namespace) -> None:
    from api.services.auth import check_ttl, issue_jwt, principal_for_api_key

    async def create(state: AppState) -> str:
        ttl = check_ttl(state.settings, args.ttl)
        principal = await principal_for_api_key(state, args.api_key)
        return issue_jwt(state.jwt_secret, principal, ttl)

    print(_with_state(args, create))


def cmd_signing_key_rotate(args: argparse.Namespace) -> None:
    from graph.request_signing import rotate_signing_key

    keys = rotate_signing_key(_settings(args))
    retired = sorted(kid for kid in keys.public_keys if kid != keys.current_kid)
    print(f"current request signing key: {keys.current_kid}")
    print(f"retired keys still published: {', '.join(retired) or '-'}")


def cmd_schema(args: argparse.Namespace) -> None:
    from api.graphql.schema import schema

    print(schema.as_str())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reelgraph", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def data_dir(p: argparse.ArgumentParser) -> None:
        p.add_argument("--data-dir", help="data directory (REELGRAPH_DATA_DIR, ./.reelgraph)")

    def graph_choice(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--graph",
            choices=("falkordb", "neo4j"),
            help="embedded graph store (REELGRAPH_GRAPH, falkordb); NEO4J_URI overrides it",
        )

    up = sub.add_parser("up", help="start the embedded stack, the API and a worker")
    data_dir(up)
    up.add_argument("--host", help="listen address (REELGRAPH_HOST, 127.0.0.1)")
    up.add_argument("--port", type=int, help="listen port (REELGRAPH_PORT, 8080)")
    graph_choice(up)
    up.set_defaults(func=cmd_up)

    api = sub.add_parser(
        "api",
        help="serve the API alone on your servers (NEO4J_URI, DATABASE_URL, REDIS_URL)",
    )
    api.add_argument("--host", help="listen address (REELGRAPH_HOST, 127.0.0.1)")
    api.add_argument("--port", type=int, help="listen port (REELGRAPH_PORT, 8080)")
    api.set_defaults(func=cmd_api)

    worker = sub.add_parser(
        "worker", help="run jobs from REDIS_URL's queue on your servers (run as many as you like)"
    )
    worker.set_defaults(func=cmd_worker)

    demo = sub.add_parser("demo", help="bring the stack up, ingest a sample video, label it")
    data_dir(demo)
    demo.add_argument("--host")
    demo.add_argument("--port", type=int)
    graph_choice(demo)
    demo.add_argument("--once", action="store_true", help="exit after printing the results")
    demo.set_defaults(func=cmd_demo)

    apikey = sub.add_parser("apikey", help="API keys").add_subparsers(dest="action", required=True)
    create = apikey.add_parser("create", help="create an API key (beside a running `up`)")
    create.add_argument("--org", required=True, help="org name (created if new)")
    create.add_argument("--scope", action="append", choices=["file", "system"])
    create.add_argument("--name", help="a note to recognise the key by")
    create.add_argument(
        "--project", help="the project the key acts for (`project_id` of signed downloads)"
    )
    create.add_argument("--email", help="the key owner's email (the uploader of its query images)")
    data_dir(create)
    create.set_defaults(func=cmd_apikey_create)
    listing = apikey.add_parser("list", help="list API keys (ids, orgs, scopes, revocations)")
    listing.add_argument("--org", help="only this org's keys")
    data_dir(listing)
    listing.set_defaults(func=cmd_apikey_list)
    revoke = apikey.add_parser(
        "revoke", help="revoke an API key and every token issued for it, at once"
    )
    revoke.add_argument("key_id", help="the key's id (see `reelgraph apikey list`)")
    data_dir(revoke)
    revoke.set_defaults(func=cmd_apikey_revoke)

    token = sub.add_parser("token", help="JWTs").add_subparsers(dest="action", required=True)
    tcreate = token.add_parser("create", help="a JWT for an API key")
    tcreate.add_argument("--api-key", required=True)
    tcreate.add_argument(
        "--ttl",
        type=int,
        help="seconds (REELGRAPH_JWT_TTL_S, 3600; at most REELGRAPH_JWT_TTL_MAX_S, 30 days)",
    )
    data_dir(tcreate)
    tcreate.set_defaults(func=cmd_token_create)

    signing = sub.add_parser("signing-key", help="the key that signs audio downloads")
    rotate = signing.add_subparsers(dest="action", required=True).add_parser(
        "rotate", help="make a new current key; retired keys stay in /.well-known/jwks.json"
    )
    data_dir(rotate)
    rotate.set_defaults(func=cmd_signing_key_rotate)

    schema = sub.add_parser("schema", help="print the GraphQL SDL")
    schema.set_defaults(func=cmd_schema)
    return parser


def main(argv: list[str] | None = None) -> None:
    apply_private_umask()  # before the data directory, logs or servers are created
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        args.func(args)
    except ReelgraphError as exc:
        print(f"reelgraph: error: {exc.message}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
