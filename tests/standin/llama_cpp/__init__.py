"""A stand-in for llama-cpp-python, on PYTHONPATH in the default test tier only (the real
runtime takes 12 CPU-minutes to build and a model file; the opt-in tier runs it)."""

__version__ = "0.0.0-standin"
