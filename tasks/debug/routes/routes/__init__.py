from routes.graph import Graph, NoPath, shortest_path

__all__ = ["Graph", "NoPath", "shortest_path"]
