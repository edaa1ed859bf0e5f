"""A Bot API request's parameters: query string, JSON body or form, with files apart."""

from __future__ import annotations

import json
import re

from aiohttp import web

from bot.testing.standin.model import Json

# Form values are strings; these keys are decoded as JSON/ints/bools, the others stay strings.
_TEXT_KEYS = frozenset(
    {
        "text",
        "caption",
        "description",
        "short_description",
        "title",
        "name",
        "query",
        "question",
        "explanation",
        "address",
        "first_name",
        "last_name",
        "custom_title",
        "data",
        "callback_data",
        "url",
        "parse_mode",
        "language_code",
        "action",
        "emoji",
        "message_effect_id",
        "business_connection_id",
    }
)
_STRING_ID_KEYS = frozenset(
    {"callback_query_id", "inline_message_id", "inline_query_id", "file_id", "shipping_query_id"}
)
_INT_KEYS = frozenset(
    {"offset", "limit", "timeout", "cache_time", "duration", "width", "height", "until_date", "retry_after"}
)
_INT_RE = re.compile(r"-?\d+")


def decode_value(key: str, value: str) -> Json:
    """A form value as Telegram reads it: JSON for objects, ints for ids, else the string."""
    if key in _TEXT_KEYS or key in _STRING_ID_KEYS:
        return value
    if value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    if value in ("true", "false"):
        return value == "true"
    if (key.endswith("_id") or key in _INT_KEYS) and _INT_RE.fullmatch(value):
        return int(value)
    return value


async def read_params(request: web.Request) -> tuple[dict[str, Json], dict[str, bytes]]:
    """The parameters (JSON strings decoded) and the uploaded files by form field."""
    params: dict[str, Json] = {}
    files: dict[str, bytes] = {}
    for key, query_value in request.query.items():
        params[key] = decode_value(key, query_value)
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            params.update(body)
    elif request.can_read_body:
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                content = value.file.read()
                files[key] = content
                params[key] = {"filename": value.filename, "size": len(content)}
            else:
                params[key] = decode_value(key, str(value))
    return params, files


def summary(params: dict[str, Json]) -> str:
    """A call in one line, for an error message."""
    shown: dict[str, Json] = {
        k: params[k] for k in ("chat_id", "message_id", "language_code", "callback_query_id") if k in params
    }
    if "text" in params:
        text = str(params["text"])
        shown["text"] = text if len(text) <= 40 else text[:40] + "…"
    return ", ".join(f"{k}={v!r}" for k, v in shown.items())
