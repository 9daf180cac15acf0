# SPDX-License-Identifier: AGPL-3.0-or-later
"""One name per schema across the API's modules: the OpenAPI document keys its components by class name, so two
`ContactOut` (a client's contact and an exchange's shared contact details) would describe one route's answer with
the other's fields (the fuzz test found it)."""

import importlib
import inspect
import pkgutil
from collections import defaultdict

from ninja import Schema

import coopforma.api


def test_every_schema_class_name_is_unique_across_the_api():
    where = defaultdict(set)
    for info in pkgutil.iter_modules(coopforma.api.__path__):
        if info.name == "tests":
            continue
        module = importlib.import_module(f"coopforma.api.{info.name}")
        for name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, Schema) and value.__module__ == module.__name__:
                where[name].add(module.__name__)
    assert {name: sorted(mods) for name, mods in where.items() if len(mods) > 1} == {}
