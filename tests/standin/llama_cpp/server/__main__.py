"""`python -m llama_cpp.server` as Ratchet starts it, standing in for llama.cpp's server so the
default tier can test what Ratchet does around a local model: the arguments it passes, the
health wait, the stop on every way out. It takes llama.cpp's flags and does, by STANDIN_MODE:

- `serve` (default): the scripted OpenAI-compatible server of tests/fake_llm.py on --port,
  replying with the texts of the JSON list in STANDIN_REPLIES (then "exhausted" errors);
- `never`: never listens (a server that does not become healthy);
- `exit`: exits 1 at once, as llama.cpp's server does when its own dependencies are missing.

It writes its pid and its argv to STANDIN_RECORD (JSON), when set, before anything else.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[4]))  # the repo root, for tests.*

from tests.fake_llm import FakeLLM, Reply


def main() -> None:
    parser = argparse.ArgumentParser()
    for flag in ("--model", "--model_alias", "--host", "--n_ctx", "--n_threads"):
        parser.add_argument(flag)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    if record := os.environ.get("STANDIN_RECORD"):
        facts = {"pid": os.getpid(), "argv": sys.argv[1:], "omp": os.environ.get("OMP_WAIT_POLICY")}
        Path(record).write_text(json.dumps(facts), encoding="utf-8")
    mode = os.environ.get("STANDIN_MODE", "serve")
    if mode == "exit":
        print("ModuleNotFoundError: No module named 'uvicorn'", file=sys.stderr)
        sys.exit(1)
    if mode == "never":
        time.sleep(3600)
        return
    texts = json.loads(Path(os.environ["STANDIN_REPLIES"]).read_text(encoding="utf-8"))
    with FakeLLM(*(Reply(text) for text in texts), port=args.port):
        while True:
            time.sleep(3600)


if __name__ == "__main__":
    main()
