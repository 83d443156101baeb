from depgraph.order import CycleError, build_order, dependents, levels

__all__ = ["CycleError", "build_order", "dependents", "levels"]
