"""The SDK reaches the gateway with its own authentication."""

from __future__ import annotations


def test_high_level_client_lists_an_empty_organizations_namespaces(mp) -> None:
    assert mp.namespaces.list()["results"] == []
