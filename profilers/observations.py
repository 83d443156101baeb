"""Comparing what two calls did, on the host: the unchanged code's observation (taken at baseline)
against the candidate's, both sent out of their processes as plain data
(profilers/ratchet_probe/observe.py). Nothing here imports or runs repo code.

Aspects, in the order they are compared: the outcome (returned, raised what, ran out of time),
the return value, the arguments afterwards (mutation), identity (a result that is one of the
arguments, or shares objects with them, where the original's did not), stdout, stderr, warnings,
log records, and interpreter-global state.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Observation = Mapping[str, Any]
LIMIT = 200


@dataclass(frozen=True)
class Difference:
    aspect: str  # "exception" | "return" | "mutation" | "identity" | "stdout" | ... | "state"
    expected: str  # what the original did, as a sentence fragment ("returned 3")
    actual: str
    where: str = ""


def digest(value: Any) -> str:
    """The probe's digest of plain data (observe.digest): ascii() survives the trip through
    ast.literal_eval unchanged for dicts, lists, str, int, bool and None."""
    return hashlib.sha256(ascii(value).encode()).hexdigest()[:32]


def same_observation(first: Observation, digest_of_again: str) -> bool:
    return digest(dict(first)) == digest_of_again


def compare(
    expected: Observation, actual: Observation, tolerance: float, parameters: Sequence[str]
) -> Difference | None:
    """The first aspect in which the candidate's call differs from the original's, or None."""
    outcome = (
        (expected.get("kind"), expected.get("error")),
        (actual.get("kind"), actual.get("error")),
    )
    if outcome[0] != outcome[1]:
        return Difference("exception", describe_outcome(expected), describe_outcome(actual))
    found = _value_difference(expected.get("value"), actual.get("value"), tolerance, parameters)
    if found is not None:
        aspect, where = found
        if aspect == "return":
            return Difference(aspect, describe_outcome(expected), describe_outcome(actual), where)
        return Difference(aspect, _arguments(expected), _arguments(actual), where)
    for aspect in ("stdout", "stderr"):
        text_a, text_b = str(expected.get(aspect, "")), str(actual.get(aspect, ""))
        if text_a != text_b:
            where = first_difference(text_a, text_b)
            return Difference(aspect, short(text_a), short(text_b), where)
    for aspect in ("warnings", "logs"):
        items_a, items_b = list(expected.get(aspect, [])), list(actual.get(aspect, []))
        if items_a != items_b:
            return Difference(aspect, _records(items_a), _records(items_b))
    a_state, b_state = dict(expected.get("state", {})), dict(actual.get("state", {}))
    for name in sorted(set(a_state) | set(b_state)):
        if a_state.get(name) != b_state.get(name):
            return Difference(
                "state",
                _state(name, a_state.get(name)),
                _state(name, b_state.get(name)),
                name,
            )
    return None


def _value_difference(
    a: Any, b: Any, tolerance: float, parameters: Sequence[str]
) -> tuple[str, str] | None:
    """(aspect, where) of the first difference in the [result, args, kwargs] trees."""
    if _kind(a) == "digest" or _kind(b) == "digest":
        return None if _tree_digest(a) == _tree_digest(b) else ("return", "")
    if _kind(a) != "seq" or _kind(b) != "seq" or len(a[2]) != 3 or len(b[2]) != 3:
        return None if a == b else ("return", "")
    (ra, aa, ka), (rb, ab, kb) = a[2], b[2]
    if (where := diff_tree(ra, rb, "", tolerance)) is not None:
        return _aspect(where, "return"), where[1]
    if len(aa[2]) != len(ab[2]):
        return "mutation", f"{len(aa[2])} arguments expected, {len(ab[2])} found"
    for i, (x, y) in enumerate(zip(aa[2], ab[2], strict=True)):
        name = parameters[i] if i < len(parameters) else f"argument {i}"
        if (where := diff_tree(x, y, "", tolerance)) is not None:
            return _aspect(where, "mutation"), f"{name}, {where[1]}"
    if (where := diff_tree(ka, kb, "", tolerance)) is not None:
        return _aspect(where, "mutation"), f"keyword arguments, {where[1]}"
    return None


def _aspect(where: tuple[bool, str], default: str) -> str:
    return "identity" if where[0] else default


def diff_tree(a: Any, b: Any, path: str, tolerance: float) -> tuple[bool, str] | None:
    """(whether it is an identity difference, where) for the first difference, or None."""
    ka, kb = _kind(a), _kind(b)
    if ka == "ref" or kb == "ref":
        if a == b:
            return None
        return True, f"{_at(path)}: {_identity(a)} with the original, {_identity(b)} now"
    if ka != kb or a[1] != b[1]:
        return False, f"{_at(path)}: expected a {a[1]}, got a {b[1]} ({show(b)})"
    if ka == "float":
        return None if _same_float(a[2], b[2], tolerance) else (False, _differ(path, a, b))
    if ka == "complex":
        same = _same_float(a[2], b[2], tolerance) and _same_float(a[3], b[3], tolerance)
        return None if same else (False, _differ(path, a, b))
    if ka in ("seq", "set", "dict") and (found := _items_difference(a, b, path, tolerance)):
        return found
    if ka in ("seq", "set", "dict"):
        if len(a) <= 3 and len(b) <= 3:
            return None
        return diff_tree(_attributes_of(a), _attributes_of(b), path, tolerance)
    if ka in ("obj", "exc"):
        return diff_tree(_as_dict(a), _as_dict(b), path, tolerance)
    return None if a == b else (False, _differ(path, a, b))


def _items_difference(a: Any, b: Any, path: str, tolerance: float) -> tuple[bool, str] | None:
    ka = a[0]
    if ka in ("seq", "set"):
        if len(a[2]) != len(b[2]):
            return False, f"{_at(path)}: {len(a[2])} items expected, {len(b[2])} found"
        for i, (x, y) in enumerate(zip(a[2], b[2], strict=True)):
            if (found := diff_tree(x, y, f"{path}[{i}]", tolerance)) is not None:
                return found
        return None
    if ka == "dict":
        keys_a, keys_b = [k for k, _ in a[2]], [k for k, _ in b[2]]
        if keys_a != keys_b:
            same = sorted(map(ascii, keys_a)) == sorted(map(ascii, keys_b))
            order = "the same keys in a different order" if same else "different keys"
            return False, f"{_at(path)}: {order} ({show(b, 80)})"
    for (k, x), (_, y) in zip(a[2], b[2], strict=True):
        inner = f"{path}.{k[2]}" if _kind(k) == "attr" else f"{path}[{show(k, 40)}]"
        if (found := diff_tree(x, y, inner, tolerance)) is not None:
            return found
    return None


def _attributes_of(node: list[Any]) -> list[Any]:
    """A container's own attributes (a subclass's), as an "obj" node."""
    return ["obj", node[1], node[3] if len(node) > 3 else []]


def _as_dict(node: list[Any]) -> list[Any]:
    if node[0] == "exc":
        return ["dict", node[1], [[["str", "str", "args"], node[2]]]]
    return ["dict", node[1], [[["attr", "attribute", name], value] for name, value in node[2]]]


def _kind(node: Any) -> str:
    return node[0] if isinstance(node, list) and node and isinstance(node[0], str) else "?"


def _tree_digest(node: Any) -> str:
    if _kind(node) == "digest":
        return str(node[1])
    return hashlib.sha256(ascii(node).encode()).hexdigest()[:32]


def _same_float(x: str, y: str, tolerance: float) -> bool:
    a, b = _to_float(x), _to_float(y)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if a == b:  # 0.0 and -0.0 differ when floats are compared exactly
        return tolerance > 0 or math.copysign(1, a) == math.copysign(1, b)
    return tolerance > 0 and math.isclose(a, b, rel_tol=tolerance)


def _to_float(text: str) -> float:
    try:
        return float.fromhex(text)
    except ValueError:
        return float(text)


def _identity(node: Any) -> str:
    return "the same object as one seen before it" if _kind(node) == "ref" else "a new object"


def _differ(path: str, a: Any, b: Any) -> str:
    return f"{_at(path)}: expected {show(a, 80)}, got {show(b, 80)}"


def _at(path: str) -> str:
    return f"at {path}" if path else "at the top level"


# -- showing trees and outcomes to people ------------------------------------------------------


def show(node: Any, limit: int = LIMIT) -> str:
    text = _show(node, 0)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _show(node: Any, depth: int) -> str:
    kind = _kind(node)
    if depth > 6:
        return "..."
    if kind == "atom":
        return str(node[2])
    if kind == "int":
        return str(int(node[2], 16))
    if kind == "float":
        return repr(_to_float(node[2]))
    if kind == "complex":
        return repr(complex(_to_float(node[2]), _to_float(node[3])))
    if kind == "str":
        return repr(node[2][:300])
    if kind == "attr":
        return f".{node[2]}"
    if kind == "bytes":
        return repr(bytes.fromhex(node[2][:600]))
    if kind == "seq":
        inner = ", ".join(_show(x, depth + 1) for x in node[2][:12])
        more = ", ..." if len(node[2]) > 12 else ""
        if node[1] == "tuple":
            return f"({inner}{more},)" if len(node[2]) == 1 else f"({inner}{more})"
        return f"[{inner}{more}]"
    if kind == "set":
        return "{" + ", ".join(_show(x, depth + 1) for x in node[2][:12]) + "}"
    if kind == "dict":
        items = ", ".join(f"{_show(k, depth + 1)}: {_show(v, depth + 1)}" for k, v in node[2][:8])
        return "{" + items + (", ..." if len(node[2]) > 8 else "") + "}"
    if kind == "obj":
        fields = ", ".join(f"{k}={_show(v, depth + 1)}" for k, v in node[2][:8])
        return f"{node[1]}({fields})"
    if kind == "exc":
        return f"{node[1]}{_show(node[2], depth + 1)}"
    if kind == "repr":
        return str(node[2])
    if kind == "ref":
        return "<an object seen before>"
    if kind == "digest":
        return f"<a large value, {node[2]} characters>"
    return "?"


def describe_outcome(observed: Observation) -> str:
    kind, error = observed.get("kind"), observed.get("error") or ["?", ""]
    value: Any = observed.get("value")
    if kind == "return":
        result = value[2][0] if _kind(value) == "seq" and len(value[2]) == 3 else None
        return "returned " + (show(result) if result is not None else observed.get("shown", "?"))
    if kind == "timeout":
        return f"did not return within {error[1]}"
    message = f": {error[1]}" if error[1] else ""
    return short(f"raised {error[0]}{message}", quoted=False)


def _arguments(observed: Observation) -> str:
    value: Any = observed.get("value")
    if _kind(value) != "seq" or len(value[2]) != 3:
        return "?"
    _, args, kwargs = value[2]
    shown = [show(a, 100) for a in args[2]] + [f"{show(k)}={show(v, 100)}" for k, v in kwargs[2]]
    return short("(" + ", ".join(shown) + ")", quoted=False)


def _records(items: list[Any]) -> str:
    if not items:
        return "nothing"
    return short("; ".join(": ".join(map(str, item)) for item in items[:3]), quoted=False)


def _state(name: str, value: Any) -> str:
    if value is None:
        return f"left the {name} as it was"
    if name == "module globals":
        return f"rebound the module globals {', '.join(map(str, value))}"
    return f"changed the {name} to {short(str(value), quoted=False)}"


def short(text: str, limit: int = LIMIT, *, quoted: bool = True) -> str:
    shown = repr(text) if quoted else text
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def first_difference(expected: str, actual: str) -> str:
    index = next(
        (i for i, (x, y) in enumerate(zip(expected, actual, strict=False)) if x != y),
        min(len(expected), len(actual)),
    )
    return (
        f"from character {index}: expected {short(expected[index : index + 40])}, "
        f"got {short(actual[index : index + 40])}"
    )
