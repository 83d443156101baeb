"""Ratchet's agent: the CLI, configuration, and (in later issues) the LangGraph graph."""

__version__ = "0.1.0"
