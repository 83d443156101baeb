import pytest
from routes import Graph, NoPath, shortest_path


def test_a_straight_line():
    graph = Graph([("a", "b", 2), ("b", "c", 3), ("c", "d", 1)])
    assert shortest_path(graph, "a", "d") == (6, ["a", "b", "c", "d"])


def test_the_start_is_the_goal():
    assert shortest_path(Graph([("a", "b", 1)]), "a", "a") == (0, ["a"])


def test_a_cheaper_detour_beats_a_direct_edge():
    graph = Graph([("a", "c", 10), ("a", "b", 1), ("b", "c", 2)])
    assert shortest_path(graph, "a", "c") == (3, ["a", "b", "c"])


def test_unit_weights_find_the_fewest_hops():
    graph = Graph()
    for a, b in [("s", "x"), ("x", "y"), ("y", "t"), ("s", "z"), ("z", "t")]:
        graph.add_edge(a, b)
    assert shortest_path(graph, "s", "t") == (2, ["s", "z", "t"])


def test_no_path():
    graph = Graph([("a", "b", 1), ("c", "d", 1)])
    with pytest.raises(NoPath):
        shortest_path(graph, "a", "d")


def test_edges_go_one_way_unless_asked():
    graph = Graph([("a", "b", 1)])
    graph.add_edge("b", "c", 4, both_ways=True)
    assert shortest_path(graph, "c", "b") == (4, ["c", "b"])
    with pytest.raises(NoPath):
        shortest_path(graph, "b", "a")


def test_negative_weights_are_rejected():
    with pytest.raises(ValueError):
        Graph([("a", "b", -1)])


def test_a_cheap_last_edge_does_not_win_on_its_own():
    graph = Graph([("home", "north", 3), ("north", "work", 5), ("home", "south", 6)])
    graph.add_edge("south", "work", 1)
    assert shortest_path(graph, "home", "work") == (7, ["home", "south", "work"])


def test_a_road_network():
    graph = Graph()
    roads = [("A", "B", 4), ("A", "C", 2), ("B", "D", 5), ("C", "B", 1), ("C", "D", 8)]
    roads += [("D", "E", 3), ("C", "E", 10), ("B", "E", 9)]
    for a, b, km in roads:
        graph.add_edge(a, b, km, both_ways=True)
    assert shortest_path(graph, "A", "E") == (11, ["A", "C", "B", "D", "E"])
