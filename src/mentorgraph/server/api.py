"""JSON for browser clients: the canned questions at /api/questions and /api/questions/<name>.

The answers are made by mentorgraph.web.api in a query process over the generation being served
(like every read, under the time limit); every answer allows cross-origin reads (middleware.py) and
CORSMiddleware answers the preflight.
"""

from __future__ import annotations

import json

from starlette.responses import Response
from starlette.routing import Route

from .context import Context, HTTPError, endpoint

JSON_TYPE = "application/json; charset=utf-8"


def _json(status: int, value: object) -> Response:
    body = json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8")
    return Response(body, status, {"Cache-Control": "no-cache"}, JSON_TYPE)


@endpoint
async def questions(ctx: Context) -> Response:
    """/api/questions: every canned question with its parameters and columns."""
    answer = await ctx.run("api", name=None, params={}, max_rows=ctx.config.max_rows)
    return _json(answer["status"], answer["body"])


@endpoint
async def question(ctx: Context) -> Response:
    """/api/questions/<name>?param=value: one question's answer as plain JSON (IRIs with labels)."""
    query = ctx.request.query_params
    params = {}
    for key in query.keys():
        values = query.getlist(key)
        if len(values) > 1:
            raise HTTPError(400, f"the parameter {key!r} is given {len(values)} times; give it once")
        params[key] = values[0]
    answer = await ctx.run("api", name=ctx.request.path_params["name"], params=params, max_rows=ctx.config.max_rows)
    return _json(answer["status"], answer["body"])


ROUTES = [
    Route("/api/questions", questions, methods=["GET"]),
    Route("/api/questions/{name}", question, methods=["GET"]),
]
