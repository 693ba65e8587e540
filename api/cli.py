"""The ``reelgraph`` command: up, demo, apikey create, token create, schema."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from graph.errors import ReelgraphError
from graph.settings import Settings, load_settings


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, object] = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    if getattr(args, "host", None):
        overrides["host"] = args.host
    if getattr(args, "port", None) is not None:
        overrides["port"] = args.port
    return load_settings(**overrides)


def cmd_up(args: argparse.Namespace) -> None:
    from api.server import serve

    asyncio.run(serve(_settings(args)))


def cmd_demo(args: argparse.Namespace) -> None:
    from api.demo import run_demo

    asyncio.run(run_demo(_settings(args), once=args.once))


def cmd_apikey_create(args: argparse.Namespace) -> None:
    from api.services.auth import create_api_key
    from graph.embedded.stack import read_state
    from graph.runtime import close_state, open_state

    async def create() -> str:
        state = await open_state(read_state(_settings(args)), prepare=False)
        try:
            key, _ = await create_api_key(state.orgs, args.org, args.scope or ["file"], args.name)
        finally:
            await close_state(state)
        return key

    key = asyncio.run(create())
    print(f"API key for org {args.org!r} (shown once; only its hash is stored):", file=sys.stderr)
    print(key)


def cmd_token_create(args: argparse.Namespace) -> None:
    from api.services.auth import issue_jwt, principal_for_api_key
    from graph.embedded.stack import read_state
    from graph.runtime import close_state, open_state

    async def create() -> str:
        state = await open_state(read_state(_settings(args)), prepare=False)
        try:
            principal = await principal_for_api_key(state, args.api_key)
            return issue_jwt(state.jwt_secret, principal, args.ttl or state.settings.jwt_ttl_s)
        finally:
            await close_state(state)

    print(asyncio.run(create()))


def cmd_schema(args: argparse.Namespace) -> None:
    from api.graphql.schema import schema

    print(schema.as_str())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reelgraph", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def data_dir(p: argparse.ArgumentParser) -> None:
        p.add_argument("--data-dir", help="data directory (REELGRAPH_DATA_DIR, ./.reelgraph)")

    up = sub.add_parser("up", help="start the embedded stack, the API and a worker")
    data_dir(up)
    up.add_argument("--host", help="listen address (REELGRAPH_HOST, 127.0.0.1)")
    up.add_argument("--port", type=int, help="listen port (REELGRAPH_PORT, 8080)")
    up.set_defaults(func=cmd_up)

    demo = sub.add_parser("demo", help="bring the stack up, ingest a sample video, label it")
    data_dir(demo)
    demo.add_argument("--host")
    demo.add_argument("--port", type=int)
    demo.add_argument("--once", action="store_true", help="exit after printing the results")
    demo.set_defaults(func=cmd_demo)

    apikey = sub.add_parser("apikey", help="API keys").add_subparsers(dest="action", required=True)
    create = apikey.add_parser("create", help="create an API key (beside a running `up`)")
    create.add_argument("--org", required=True, help="org name (created if new)")
    create.add_argument("--scope", action="append", choices=["file", "system"])
    create.add_argument("--name", help="a note to recognise the key by")
    data_dir(create)
    create.set_defaults(func=cmd_apikey_create)

    token = sub.add_parser("token", help="JWTs").add_subparsers(dest="action", required=True)
    tcreate = token.add_parser("create", help="a JWT for an API key")
    tcreate.add_argument("--api-key", required=True)
    tcreate.add_argument("--ttl", type=int, help="seconds (REELGRAPH_JWT_TTL_S, 3600)")
    data_dir(tcreate)
    tcreate.set_defaults(func=cmd_token_create)

    schema = sub.add_parser("schema", help="print the GraphQL SDL")
    schema.set_defaults(func=cmd_schema)
    return parser


def main(argv: list[str] | None = None) -> None:
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
