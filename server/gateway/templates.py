"""Path templates of `google.api.http` rules, parsed and matched against request paths.

Grammar (google/api/http.proto):

    Template = "/" Segments [ Verb ] ;
    Segments = Segment { "/" Segment } ;
    Segment  = "*" | "**" | LITERAL | Variable ;
    Variable = "{" FieldPath [ "=" Segments ] "}" ;
    FieldPath = IDENT { "." IDENT } ;
    Verb     = ":" LITERAL ;

`{id}` is `{id=*}`: one path segment. Matching runs on the raw (percent-encoded) path and decodes
each variable afterwards, so an encoded `/` (`%2F`) inside an ID stays inside that ID.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_LITERAL = re.compile(r"[^/{}*:=]+")
_ONE = r"[^/]+"
_MANY = r"[^/]+(?:/[^/]+)*"


class TemplateError(ValueError):
    """A path template that does not follow the grammar."""


@dataclass(frozen=True)
class Variable:
    field_path: str  # dotted proto field names, e.g. "namespace_id" or "query.search"
    segments: tuple[str, ...]  # the variable's own segments: ("*",) unless written `{x=a/*}`

    @property
    def multi_segment(self) -> bool:
        return self.segments != ("*",)


@dataclass(frozen=True)
class PathTemplate:
    text: str
    segments: tuple[str | Variable, ...]
    verb: str | None
    regex: re.Pattern

    @property
    def variables(self) -> list[Variable]:
        return [s for s in self.segments if isinstance(s, Variable)]

    @property
    def literal_count(self) -> int:
        """How specific the template is: more literal segments win over variables."""
        count = 0
        for segment in self.segments:
            if isinstance(segment, Variable):
                count += sum(1 for s in segment.segments if s not in ("*", "**"))
            elif segment not in ("*", "**"):
                count += 1
        return count

    def match(self, raw_path: str) -> dict[str, str] | None:
        """The decoded variable values if the (percent-encoded) path matches, else None."""
        found = self.regex.fullmatch(raw_path)
        if found is None:
            return None
        values = {}
        for index, variable in enumerate(self.variables):
            raw = found.group(f"v{index}")
            if variable.multi_segment:
                # Keep encoded slashes encoded so segment boundaries stay visible.
                values[variable.field_path] = "/".join(unquote(part) for part in raw.split("/"))
            else:
                values[variable.field_path] = unquote(raw)
        return values

    def openapi_path(self) -> str:
        """The template in OpenAPI form: `{field.path}` for every variable."""
        parts = [f"{{{s.field_path}}}" if isinstance(s, Variable) else s for s in self.segments]
        return "/" + "/".join(parts) + (f":{self.verb}" if self.verb else "")


def parse(text: str) -> PathTemplate:
    """Parses a path template; raises TemplateError naming what is wrong."""
    if not text.startswith("/"):
        raise TemplateError(f"{text!r}: a path template starts with '/'")
    body, verb = text[1:], None
    # A verb is a ':' after the last '/' that is not inside a variable.
    depth, split = 0, -1
    for index, char in enumerate(body):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == ":" and depth == 0:
            split = index
    if split >= 0:
        body, verb = body[:split], body[split + 1 :]
        if not _LITERAL.fullmatch(verb):
            raise TemplateError(f"{text!r}: bad verb {verb!r}")
    segments: list[str | Variable] = []
    position = 0
    while position <= len(body):
        if body.startswith("{", position):
            end = body.find("}", position)
            if end < 0:
                raise TemplateError(f"{text!r}: unclosed variable")
            inner = body[position + 1 : end]
            name, _, pattern = inner.partition("=")
            if not _IDENT.fullmatch(name):
                raise TemplateError(f"{text!r}: bad field path {name!r}")
            inner_segments = tuple(pattern.split("/")) if pattern else ("*",)
            for segment in inner_segments:
                if segment not in ("*", "**") and not _LITERAL.fullmatch(segment):
                    raise TemplateError(f"{text!r}: bad segment {segment!r} in variable {name!r}")
            segments.append(Variable(name, inner_segments))
            position = end + 1
        else:
            end = body.find("/", position)
            end = len(body) if end < 0 else end
            segment = body[position:end]
            if segment not in ("*", "**") and not _LITERAL.fullmatch(segment):
                raise TemplateError(f"{text!r}: bad segment {segment!r}")
            segments.append(segment)
            position = end
        if position < len(body) and body[position] != "/":
            raise TemplateError(f"{text!r}: expected '/' at {position + 1}")
        position += 1
    names = [s.field_path for s in segments if isinstance(s, Variable)]
    if len(names) != len(set(names)):
        raise TemplateError(f"{text!r}: a variable appears twice")
    return PathTemplate(text, tuple(segments), verb, re.compile(_regex(segments, verb)))


def _segment_regex(segment: str) -> str:
    if segment == "*":
        return _ONE
    if segment == "**":
        return _MANY
    return re.escape(segment)


def _regex(segments: list[str | Variable], verb: str | None) -> str:
    parts = []
    index = 0
    for segment in segments:
        if isinstance(segment, Variable):
            inner = "/".join(_segment_regex(s) for s in segment.segments)
            parts.append(f"(?P<v{index}>{inner})")
            index += 1
        else:
            parts.append(_segment_regex(segment))
    regex = "/" + "/".join(parts)
    if verb:
        # The last segment must not swallow the verb.
        regex = regex.replace(_ONE, "[^/]+?") + ":" + re.escape(verb)
    return regex
