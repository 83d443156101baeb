"""Ratchet's offline rewrite rules: the Low budget tier, which needs no LLM.

Each module here (but base, proposer and the private `_` modules, which hold what rules share:
`_blocks`, `_facts`, `_mappings`, `_constants`, `_attributes`, `_imports`, `_regex`) holds one
rule and exposes it as `RULE`; `all_rules()` finds them, ordered by name, so adding a rule is
adding a module.
"""

from __future__ import annotations

import importlib
import pkgutil

from .base import Rewrite, Rule

__all__ = ["Rewrite", "Rule", "all_rules"]
NOT_RULES = frozenset({"base", "proposer"})


def all_rules() -> list[Rule]:
    rules = []
    for info in pkgutil.iter_modules(__path__):
        if info.name not in NOT_RULES and not info.name.startswith("_"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            rules.append(module.RULE)
    return sorted(rules, key=lambda rule: rule.name)
