"""A human-readable API reference, rendered on the server from the OpenAPI document: one static
HTML page, no scripts and nothing fetched from elsewhere (the service may run without internet)."""

from __future__ import annotations

import html
import json
import re
from typing import Any

_CSS = """
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d232a;background:#fafbfc}
main{max-width:1100px;margin:0 auto;padding:24px 32px 80px}
nav{background:#1d232a;color:#fff;padding:12px 32px}nav a{color:#9fd0ff;margin-right:18px;text-decoration:none}
h1{margin:.2em 0}h2{border-bottom:2px solid #dde3ea;padding-bottom:4px;margin-top:48px}
h3{margin:28px 0 6px;font-size:17px}h3 code{font-size:15px}
code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#eef1f4;padding:1px 4px;border-radius:3px}
.op{background:#fff;border:1px solid #dde3ea;border-radius:6px;padding:4px 18px 14px;margin:14px 0}
.m{display:inline-block;min-width:58px;text-align:center;border-radius:4px;color:#fff;font:bold 12px ui-monospace,monospace;padding:3px 6px;margin-right:8px}
.get{background:#2f80ed}.post{background:#27ae60}.patch{background:#e2a03f}.delete{background:#d64545}.put{background:#8e44ad}
table{border-collapse:collapse;width:100%;margin:6px 0 10px;font-size:14px}
th,td{text-align:left;vertical-align:top;border-bottom:1px solid #e6eaef;padding:5px 8px}th{background:#f3f5f7;font-weight:600}
td:first-child{white-space:nowrap}.req{color:#d64545;font-size:12px}.ro{color:#777;font-size:12px}
p.d{margin:4px 0;white-space:pre-line}pre.ex{font:13px ui-monospace,monospace;background:#f3f5f7;border:1px solid #e6eaef;border-radius:4px;padding:8px 12px;overflow-x:auto}.grpc{color:#666;font-size:13px}
"""


def _text(value: str) -> str:
    """Escaped text with `code` spans."""
    escaped = html.escape(value or "")
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _type(schema: dict[str, Any]) -> str:
    """A short, linked description of a schema's type."""
    if not schema:
        return "any"
    if "$ref" in schema:
        name = _ref_name(schema["$ref"])
        return f'<a href="#schema-{html.escape(name)}">{html.escape(name)}</a>'
    if "anyOf" in schema:
        return " | ".join(_type(part) for part in schema["anyOf"])
    if "const" in schema:
        return f"<code>{html.escape(repr(schema['const']).lower())}</code>"
    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else list(kinds or [])
    parts = []
    for kind in kinds:
        if kind == "array":
            parts.append("array of " + _type(schema.get("items", {})))
        elif kind == "object" and isinstance(schema.get("additionalProperties"), dict) and "properties" not in schema:
            parts.append("map of " + _type(schema["additionalProperties"]))
        elif kind == "string" and "enum" in schema:
            parts.append(" | ".join(f"<code>{html.escape(str(v))}</code>" for v in schema["enum"] if v is not None))
        else:
            parts.append(html.escape(kind + (f" ({schema['format']})" if kind != "null" and "format" in schema else "")))
    return " | ".join(parts) or "any"


def _properties(schema: dict[str, Any]) -> str:
    properties = schema.get("properties")
    if not properties:
        return f"<p>{_type(schema)}</p>"
    required = set(schema.get("required", ()))
    rows = []
    for name, prop in properties.items():
        flags = []
        if name in required:
            flags.append('<span class="req">required</span>')
        if prop.get("readOnly"):
            flags.append('<span class="ro">output only</span>')
        rows.append(
            f"<tr><td><code>{html.escape(name)}</code> {' '.join(flags)}</td><td>{_type(prop)}</td>"
            f'<td><p class="d">{_text(prop.get("description", ""))}</p></td></tr>'
        )
    return "<table><tr><th>Field</th><th>Type</th><th>Description</th></tr>" + "".join(rows) + "</table>"


def _example(parameter: dict[str, Any]) -> str:
    if "example" not in parameter:
        return ""
    return f" Example: <code>{html.escape(str(parameter['example']))}</code>"


def _resolve(doc: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in item:
        _, _, section, name = item["$ref"].split("/")
        return doc["components"][section][name]
    return item


def _operation(doc: dict[str, Any], method: str, path: str, op: dict[str, Any]) -> str:
    out = [f'<div class="op" id="{html.escape(op["operationId"])}">']
    out.append(f'<h3><span class="m {method}">{method.upper()}</span><code>{html.escape(path)}</code></h3>')
    description = op.get("description", "")
    text, _, grpc = description.rpartition("\n\ngRPC: ")
    out.append(f'<p class="d">{_text(text or description)}</p>')
    if grpc:
        out.append(f'<p class="grpc">gRPC {_text(grpc)}</p>')
    parameters = [_resolve(doc, p) for p in op.get("parameters", [])]
    if parameters:
        out.append("<table><tr><th>Parameter</th><th>In</th><th>Type</th><th>Description</th></tr>")
        for p in parameters:
            flag = ' <span class="req">required</span>' if p.get("required") else ""
            out.append(
                f"<tr><td><code>{html.escape(p['name'])}</code>{flag}</td><td>{p['in']}</td><td>{_type(p.get('schema', {}))}</td>"
                f'<td><p class="d">{_text(p.get("description", ""))}{_example(p)}</p></td></tr>'
            )
        out.append("</table>")
    body = op.get("requestBody")
    if body:
        schema = body["content"]["application/json"]["schema"]
        out.append("<p><b>Body</b> (JSON)" + (f": {_text(body['description'])}" if body.get("description") else "") + "</p>")
        out.append(_properties(schema))
        example = body["content"]["application/json"].get("example")
        if example is not None:
            out.append(f'<p><b>Example</b></p><pre class="ex">{html.escape(json.dumps(example, indent=2))}</pre>')
    status, ok = next((code, answer) for code, answer in op["responses"].items() if code.startswith("2"))
    out.append(f"<p><b>{status}</b>: {_type(ok['content']['application/json']['schema'])} &mdash; {_text(ok['description'])}</p>")
    out.append('<p>Errors: the <a href="#schema-ErrorResponse">error envelope</a>.</p></div>')
    return "".join(out)


def render(doc: dict[str, Any]) -> str:
    """The whole reference page."""
    info = doc["info"]
    by_tag: dict[str, list[str]] = {}
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            by_tag.setdefault(op["tags"][0], []).append(_operation(doc, method, path, op))
    sections = []
    for tag in doc.get("tags", []):
        name = tag["name"]
        sections.append(f'<h2 id="tag-{html.escape(name)}">{html.escape(name)}</h2><p class="d">{_text(tag.get("description", ""))}</p>')
        sections.extend(by_tag.get(name, []))
    schemas = []
    for name, schema in doc["components"]["schemas"].items():
        schemas.append(
            f'<h3 id="schema-{html.escape(name)}">{html.escape(name)}</h3><p class="d">{_text(schema.get("description", ""))}</p>'
            + (_properties(schema) if schema.get("type") == "object" else f"<p>{_type(schema)}</p>")
        )
    toc = "".join(f'<a href="#tag-{html.escape(t["name"])}">{html.escape(t["name"])}</a>' for t in doc.get("tags", []))
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(info['title'])}</title><style>{_CSS}</style></head><body>"
        f'<nav>{toc}<a href="#schemas">Schemas</a><a href="/openapi.json">openapi.json</a></nav><main>'
        f"<h1>{html.escape(info['title'])} <small>{html.escape(info['version'])}</small></h1>"
        f'<p class="d">{_text(info.get("description", ""))}</p>'
        + "".join(sections)
        + '<h2 id="schemas">Schemas</h2>'
        + "".join(schemas)
        + "</main></body></html>"
    )
