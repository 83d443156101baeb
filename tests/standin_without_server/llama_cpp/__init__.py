"""llama-cpp-python without its server extra's module: what `--llm local` must refuse."""
