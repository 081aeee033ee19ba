"""JSON in, with the limits a public endpoint needs: nesting deep enough to exhaust the
interpreter's stack is refused, as is a NUL character, which PostgreSQL text cannot hold."""

import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


def _check(data) -> None:
    """Walk the parsed document without recursion: no deeper than MAX_DEPTH, no NUL anywhere."""
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ParseError(_("JSON 嵌套过深（超过 %(n)d 层）。") % {"n": MAX_DEPTH})
        if isinstance(value, str):
            if "\x00" in value:
                raise ParseError(_("请求中含有不允许的字符（NUL）。"))
        elif isinstance(value, dict):
            stack.extend((key, depth + 1) for key in value)
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(stream.read().decode(encoding))
        except RecursionError:
            raise ParseError(_("JSON 嵌套过深（超过 %(n)d 层）。") % {"n": MAX_DEPTH}) from None
        except ValueError as error:
            raise ParseError(_("JSON 格式有误：%(error)s") % {"error": error}) from None
        _check(data)
        return data
