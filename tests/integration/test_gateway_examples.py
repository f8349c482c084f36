"""The example requests of `/openapi.json` and `/docs` (server/gateway/examples.py): every operation
with a body has one, it fits the operation's schema, and the server accepts it as documented."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from server.gateway import examples
from tests.conftest import new_org_api
from tests.support.api import Api
from tests.support.openapi import validator
from tests.support.rest import Rest

# A generated ID in an example (`obj_7Hc2Lq9ZrT`, `doc_<32 hex>`) names nothing on a fresh server.
GENERATED_ID = re.compile(r"^[a-z]+_[A-Za-z0-9]{10,12}$|^doc_[0-9a-f]{32}$")


@pytest.fixture(scope="module")
def doc(base_url) -> dict:
    return Rest(base_url).get("/openapi.json").json()


def operations_with_body(doc: dict) -> list[tuple[str, str, dict]]:
    return [(method, path, op) for path, methods in doc["paths"].items() for method, op in methods.items() if "requestBody" in op]


def holds_generated_id(value: Any) -> bool:
    if isinstance(value, str):
        return bool(GENERATED_ID.match(value))
    if isinstance(value, dict):
        return any(holds_generated_id(v) for v in value.values())
    if isinstance(value, list):
        return any(holds_generated_id(v) for v in value)
    return False


def test_every_operation_with_a_body_has_an_example_that_fits_its_schema(doc, server):
    operations = operations_with_body(doc)
    assert len(operations) >= 30
    for method, path, op in operations:
        content = op["requestBody"]["content"]["application/json"]
        assert "example" in content, f"{method.upper()} {path} has no example body"
        validator(doc, content["schema"]).validate(content["example"])
        for parameter in op["parameters"]:
            if parameter.get("in") == "path":
                assert "example" in parameter, f"{method.upper()} {path}: path parameter {parameter['name']} has no example"
    served = {route.method.full_name for route in server.app.gateway.routes if route.body}
    assert set(examples.REQUESTS) == served  # no example for a method that is gone


def test_the_docs_page_shows_the_examples(base_url, doc):
    page = Rest(base_url).get("/docs").text
    body = doc["paths"]["/v1/namespaces"]["post"]["requestBody"]["content"]["application/json"]["example"]
    assert body["namespace_name"] == "catalog"
    assert page.count('<pre class="ex">') == len(operations_with_body(doc))
    assert "&quot;namespace_name&quot;: &quot;catalog&quot;" in page


@pytest.mark.slow  # 4-6 s in a loaded fast-subset run
def test_the_server_accepts_every_example_as_documented(root: Api, base_url, doc, server):
    """Sent in examples.py's order to a fresh organization: each is answered 2xx, or 404 when it
    names a generated ID that does not exist here (or, on a second path of the same call, a 409 for
    the name the first path created); never 400 or 422."""
    operator = Rest(base_url, root.key)  # organizations and keys
    org_admin = Rest(base_url, new_org_api(root, admin=True).key, "catalog")
    by_method: dict[str, list] = {}
    for route in server.app.gateway.routes:
        by_method.setdefault(route.method.full_name, []).append(route)
    answers = []
    for method_name, example in examples.REQUESTS.items():
        client = operator if method_name.startswith("vecplane.v1.AdminService.") else org_admin
        for route in sorted((r for r in by_method[method_name] if r.body), key=lambda r: r.binding):
            op = doc["paths"][route.template.openapi_path()][route.http_method.lower()]
            path = route.template.openapi_path()
            for parameter in op["parameters"]:
                if parameter.get("in") == "path":
                    path = path.replace("{" + parameter["name"] + "}", str(parameter["example"]))
            body = op["requestBody"]["content"]["application/json"]["example"]
            response = client.request(route.http_method, path, content=json.dumps(body), headers={"content-type": "application/json"})
            answers.append((route.http_method, path, response.status_code))
            allowed = {404} if holds_generated_id(example) else set()
            if route.binding:
                allowed.add(409)
            assert 200 <= response.status_code < 300 or response.status_code in allowed, (route.http_method, path, body, response.text)
    assert sum(200 <= status < 300 for _, _, status in answers) >= 25, answers
