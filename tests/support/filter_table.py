"""One table of filter cases: documents, filters and the ids each filter must select. The unit tests
check the reference evaluator against it; the integration tests run every case through the real
nx-27017 and Qdrant local mode and require the same ids."""

from __future__ import annotations

from dataclasses import dataclass

from server.domain.collections import DocumentFields
from server.domain.filters import to_millis

SCHEMA = {
    "properties": {
        "name": {"type": "string"},
        "age": {"type": "integer"},
        "score": {"type": "number"},
        "active": {"type": "boolean"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "nums": {"type": "array", "items": {"type": "number"}},
        "meta": {"type": "object", "properties": {"title": {"type": "string"}, "rank": {"type": "integer"}}},
        "authors": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
        "published": {"type": "datetime"},
        "day": {"type": "date"},
        "blurb": {"type": "text"},
    }
}
TYPED = DocumentFields(SCHEMA)
LOOSE = DocumentFields(None)  # no schema: any path, any type, any shape

DOCS = {
    1: {"name": "John Smith", "age": 30, "score": 30.0, "active": True, "tags": ["red", "Blue"], "nums": [1, 5],
        "meta": {"title": "Red Dress", "rank": 1}, "authors": [{"name": "Ann"}, {"name": "Bob"}],
        "published": "2026-01-01T00:00:00.100Z", "day": "2026-01-01", "blurb": "The quick brown fox", "misc": 30},
    2: {"name": "john", "age": 45, "score": 7.5, "active": False, "tags": [], "nums": [10],
        "meta": {"title": "blue shirt", "rank": 2}, "authors": [],
        "published": "2026-01-01T00:00:00.900Z", "day": "2026-02-01", "blurb": "Lazy dogs sleep", "misc": "30"},
    3: {"name": "Émile", "age": 18, "score": 12, "active": True, "tags": ["green"], "nums": [],
        "meta": {"title": "abc\n"}, "authors": [{"name": "Cy"}],
        "published": "2025-06-30T23:59:59Z", "blurb": "quick thinking", "misc": True},
    4: {"name": "Mary-Jane", "tags": ["x"], "misc": [31, "a"]},
    5: {"name": None, "misc": None},
    6: {"misc": []},
    7: {"name": "ANNA", "age": 30, "tags": ["RED"], "misc": {"k": 1}, "loose": [{"k": 2}, {"k": "x"}]},
    8: {"loose": {"k": [3, 4]}, "deep": {"a": [{"b": {"c": "yes"}}]}},
}
ALL = set(DOCS)


@dataclass(frozen=True)
class Case:
    id: str
    filter: dict
    expected: set[int]
    fields: object = TYPED
    qdrant_exact: bool = False  # whether Qdrant alone decides (no second pass)


def c(field, operator, value):
    return {"field": field, "operator": operator, "value": value}


CASES = [
    # equality, case-insensitive by default
    Case("eq-ci", c("name", "eq", "JOHN"), {2}, qdrant_exact=False),
    Case("eq-cs-miss", {**c("name", "eq", "JOHN"), "case_sensitive": True}, set(), qdrant_exact=True),
    Case("eq-cs-hit", {**c("name", "eq", "john"), "case_sensitive": True}, {2}, qdrant_exact=True),
    Case("eq-uncased-string", c("name", "eq", "12-34"), set(), qdrant_exact=True),
    Case("eq-default-operator", {"field": "name", "value": "anna"}, {7}, qdrant_exact=False),
    Case("ne-ci", c("name", "ne", "john"), ALL - {2}, qdrant_exact=False),
    Case("eq-int", c("age", "eq", 30), {1, 7}, qdrant_exact=True),
    Case("eq-int-matches-float", c("score", "eq", 30), {1}, qdrant_exact=True),
    Case("eq-float", c("score", "eq", 7.5), {2}, qdrant_exact=True),
    Case("eq-true", c("active", "eq", True), {1, 3}, qdrant_exact=True),
    Case("eq-false", c("active", "eq", False), {2}, qdrant_exact=True),
    Case("ne-true", c("active", "ne", True), ALL - {1, 3}, qdrant_exact=True),
    Case("eq-unicode-ci", c("name", "eq", "émile"), {3}, qdrant_exact=False),
    Case("eq-nested", c("meta.rank", "eq", 2), {2}, qdrant_exact=True),
    Case("eq-trailing-newline", {**c("meta.title", "eq", "abc"), "case_sensitive": True}, set(), qdrant_exact=True),
    # Mixpeek's equality shorthand: other keys are eq conditions (as REST sends them, and in the
    # proto's field_equals), all of which hold beside the group's lists
    Case("shorthand-eq-ci", {"name": "JOHN"}, {2}, qdrant_exact=False),
    Case("shorthand-two-fields", {"age": 30, "meta.rank": 1}, {1}, qdrant_exact=True),
    Case("shorthand-case-sensitive", {"name": "john", "case_sensitive": True}, {2}, qdrant_exact=True),
    Case("shorthand-beside-a-group", {"active": True, "OR": [c("age", "eq", 18), c("age", "eq", 30)]}, {1, 3}, qdrant_exact=True),
    Case("shorthand-as-field-equals", {"field_equals": {"age": 30}}, {1, 7}, qdrant_exact=True),
    Case("shorthand-nested", {"NOT": [{"active": False}]}, ALL - {2}, qdrant_exact=True),
    # ordering
    Case("gt", c("age", "gt", 29), {1, 2, 7}, qdrant_exact=True),
    Case("gte-float", c("score", "gte", 7.5), {1, 2, 3}, qdrant_exact=True),
    Case("lt", c("age", "lt", 30), {3}, qdrant_exact=True),
    Case("lte", c("age", "lte", 18), {3}, qdrant_exact=True),
    Case("gt-string", c("name", "gt", "b"), {2, 3}, qdrant_exact=False),
    Case("lt-string-case-sensitive", c("name", "lt", "M"), {1, 7}, qdrant_exact=False),
    # lists: a condition holds when some element satisfies it
    Case("list-eq-ci", c("tags", "eq", "blue"), {1}, qdrant_exact=False),
    Case("list-eq-cs", {**c("tags", "eq", "red"), "case_sensitive": True}, {1}, qdrant_exact=True),
    Case("list-ne", {**c("tags", "ne", "red"), "case_sensitive": True}, ALL - {1}, qdrant_exact=True),
    Case("list-in", c("tags", "in", ["green", "nope"]), {3}, qdrant_exact=False),
    Case("list-contains", c("tags", "contains", "re"), {1, 3, 7}, qdrant_exact=False),
    Case("list-gt", c("nums", "gt", 4), {1, 2}, qdrant_exact=True),
    Case("list-lt", c("nums", "lt", 2), {1}, qdrant_exact=True),
    Case("list-of-objects", {**c("authors.name", "eq", "Bob"), "case_sensitive": True}, {1}, qdrant_exact=True),
    Case("list-of-objects-ci", c("authors.name", "eq", "bob"), {1}, qdrant_exact=False),
    # in / nin
    Case("in-ci", c("name", "in", ["JOHN", "anna"]), {2, 7}, qdrant_exact=False),
    Case("in-cs", {**c("name", "in", ["john", "ANNA"]), "case_sensitive": True}, {2, 7}, qdrant_exact=True),
    Case("in-numbers", c("age", "in", [18, 45]), {2, 3}, qdrant_exact=True),
    Case("nin", c("name", "nin", ["john", "anna"]), ALL - {2, 7}, qdrant_exact=False),
    Case("nin-numbers", c("age", "nin", [30]), ALL - {1, 7}, qdrant_exact=True),
    # string operators
    Case("contains-ci", c("name", "contains", "OHN"), {1, 2}, qdrant_exact=False),
    Case("contains-cs", {**c("name", "contains", "OHN"), "case_sensitive": True}, set(), qdrant_exact=False),
    Case("contains-regex-chars", c("name", "contains", "y-j"), {4}, qdrant_exact=False),
    Case("starts-with", c("name", "starts_with", "jo"), {1, 2}, qdrant_exact=False),
    Case("ends-with", c("name", "ends_with", "JANE"), {4}, qdrant_exact=False),
    Case("ends-with-before-newline", c("meta.title", "ends_with", "abc"), set(), qdrant_exact=False),
    Case("regex-ci", c("name", "regex", "^j.*h$"), {1}, qdrant_exact=False),
    Case("regex-cs", {**c("name", "regex", "^J"), "case_sensitive": True}, {1}, qdrant_exact=False),
    Case("text-all-words", c("blurb", "text", "QUICK fox"), {1}, qdrant_exact=False),
    Case("text-one-word", c("blurb", "text", "quick"), {1, 3}, qdrant_exact=False),
    Case("text-whole-words", c("blurb", "text", "quic"), set(), qdrant_exact=False),
    # presence
    Case("exists", c("name", "exists", True), {1, 2, 3, 4, 7}, qdrant_exact=True),
    Case("exists-false", c("name", "exists", False), {5, 6, 8}, qdrant_exact=True),
    Case("is-null", c("name", "is_null", True), {5, 6, 8}, qdrant_exact=True),
    Case("is-null-false", c("name", "is_null", False), {1, 2, 3, 4, 7}, qdrant_exact=True),
    Case("exists-empty-list", c("tags", "exists", True), {1, 3, 4, 7}, qdrant_exact=True),
    Case("exists-object", c("meta", "exists", True), {1, 2, 3}, qdrant_exact=True),
    # dates compare chronologically, to the millisecond
    Case("datetime-gt-ms", c("published", "gt", "2026-01-01T00:00:00.500Z"), {2}, qdrant_exact=True),
    Case("datetime-eq-other-spelling", c("published", "eq", "2026-01-01T01:00:00.1+01:00"), {1}, qdrant_exact=True),
    Case("datetime-lt-date", c("published", "lt", "2026-01-01"), {3}, qdrant_exact=True),
    Case("date-gte", c("day", "gte", "2026-01-15"), {2}, qdrant_exact=True),
    # groups
    Case("and", {"AND": [c("age", "gte", 30), c("active", "eq", True)]}, {1}, qdrant_exact=True),
    Case("or", {"OR": [c("age", "lt", 20), c("active", "eq", False)]}, {2, 3}, qdrant_exact=True),
    Case("not", {"NOT": [c("age", "gte", 30), c("active", "eq", True)]}, {4, 5, 6, 8}, qdrant_exact=True),
    Case("not-inexact", {"NOT": [c("name", "contains", "ohn")]}, ALL - {1, 2}, qdrant_exact=False),
    Case("and-with-inexact", {"AND": [c("age", "gte", 30), c("name", "starts_with", "j")]}, {1, 2}, qdrant_exact=False),
    Case(
        "nested",
        {"AND": [{"OR": [c("name", "eq", "john"), c("age", "gt", 40)]}, {"NOT": [c("active", "eq", True)]}]},
        {2},
        qdrant_exact=False,
    ),
    Case(
        "seed-shape",
        {"AND": [c("name", "contains", "j"), c("age", "gte", 30)], "OR": [c("active", "eq", True), c("tags", "eq", "x")],
         "NOT": [c("meta.rank", "eq", 1)], "case_sensitive": False},
        set(),
        qdrant_exact=False,
    ),
    Case(
        "all-three-lists",
        {"AND": [c("age", "gte", 18)], "OR": [c("active", "eq", True), c("nums", "gt", 9)], "NOT": [c("name", "eq", "émile")]},
        {1, 2},
        qdrant_exact=False,
    ),
    Case("case-sensitive-inherited", {"AND": [c("name", "eq", "JOHN"), c("age", "gt", 1)], "case_sensitive": True}, set(), qdrant_exact=True),
    Case(
        "case-sensitive-overridden",
        {"AND": [{"OR": [c("name", "eq", "JOHN")], "case_sensitive": False}], "case_sensitive": True},
        {2},
        qdrant_exact=False,
    ),
    Case("deep-not-not", {"NOT": [{"NOT": [c("age", "eq", 30)]}]}, {1, 7}, qdrant_exact=True),
    # without a schema: any shape and type; values of other kinds never match
    Case("loose-eq-number", c("misc", "eq", 30), {1}, LOOSE, qdrant_exact=True),
    Case("loose-eq-string", c("misc", "eq", "30"), {2}, LOOSE, qdrant_exact=True),
    Case("loose-eq-true", c("misc", "eq", True), {3}, LOOSE, qdrant_exact=True),
    Case("loose-eq-1-is-not-true", c("misc", "eq", 1), set(), LOOSE, qdrant_exact=True),
    Case("loose-gt", c("misc", "gt", 29), {1, 4}, LOOSE, qdrant_exact=True),
    Case("loose-gt-string", c("misc", "gt", "2"), {2, 4}, LOOSE, qdrant_exact=False),
    Case("loose-contains", c("misc", "contains", "3"), {2}, LOOSE, qdrant_exact=False),
    Case("loose-list-element", c("misc", "eq", "A"), {4}, LOOSE, qdrant_exact=False),
    Case("loose-exists", c("misc", "exists", True), {1, 2, 3, 4, 7}, LOOSE, qdrant_exact=True),
    Case("loose-is-null", c("misc", "is_null", True), {5, 6, 8}, LOOSE, qdrant_exact=True),
    Case("loose-ne", c("misc", "ne", 30), ALL - {1}, LOOSE, qdrant_exact=True),
    Case("loose-nested-object", c("misc.k", "gte", 1), {7}, LOOSE, qdrant_exact=True),
    Case("loose-through-list", c("loose.k", "gte", 2), {7, 8}, LOOSE, qdrant_exact=True),
    Case("loose-through-list-string", {**c("loose.k", "eq", "x"), "case_sensitive": True}, {7}, LOOSE, qdrant_exact=True),
    Case("loose-through-list-exists", c("loose.k", "exists", False), ALL - {7, 8}, LOOSE, qdrant_exact=True),
    Case("loose-deep", {**c("deep.a.b.c", "eq", "yes"), "case_sensitive": True}, {8}, LOOSE, qdrant_exact=True),
]


def mongo_doc(doc_id: int, doc: dict) -> dict:
    """A table document as stored in MongoDB: with the millisecond shadows of its date fields."""
    shadows = {name: to_millis(doc[name]) for name in ("published", "day") if name in doc}
    return {"_id": doc_id, **doc, "_ms": shadows}
