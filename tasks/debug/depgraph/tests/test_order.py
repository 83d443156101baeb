import pytest
from depgraph import CycleError, build_order, dependents, levels


def diamond():
    return {"app": {"lib", "ui"}, "lib": {"core"}, "ui": {"core"}}


def test_a_chain():
    assert build_order({"c": {"b"}, "b": {"a"}}) == ["a", "b", "c"]


def test_a_diamond():
    assert build_order(diamond()) == ["core", "lib", "ui", "app"]


def test_independent_tasks_run_alphabetically():
    assert build_order({"zip": set(), "copy": set(), "make": set()}) == ["copy", "make", "zip"]


def test_nothing_to_do():
    assert build_order({}) == []


def test_a_cycle_is_reported():
    with pytest.raises(CycleError) as caught:
        build_order({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()})
    assert caught.value.tasks == ["a", "b", "c"]


def test_dependents():
    assert dependents(diamond(), "core") == {"lib", "ui", "app"}
    assert dependents(diamond(), "app") == set()


def test_the_dependency_map_is_left_alone():
    deps = diamond()
    build_order(deps)
    assert deps == diamond()


def test_levels():
    assert levels(diamond()) == [["core"], ["lib", "ui"], ["app"]]
