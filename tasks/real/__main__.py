"""`python -m tasks.real [CACHE_DIR]`: the manifest as tab-separated lines (see tasks.real)."""

import sys

from tasks.real import main

main(sys.argv[1:])
