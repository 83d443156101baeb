"""What the static screen refuses, as tables, and the sentences that say why.

`screen.py` walks the candidate and looks things up here; `screen_state.py` holds the rules
about state kept across calls and code patched from outside, which need more than a lookup.
"""

from __future__ import annotations

# Modules a candidate may not import: the test framework, the probe, and the process's insides.
FORBIDDEN_MODULES = {
    "pytest": "the test framework",
    "_pytest": "the test framework",
    "pluggy": "the test framework's plugin system",
    "unittest": "a test framework",
    "ratchet_probe": "Ratchet's own probe",
    "ctypes": "raw memory access",
    "_ctypes": "raw memory access",
    "cffi": "raw memory access",
    "mmap": "raw memory access",
    "gc": "the garbage collector",
    "inspect": "frame and source introspection",
    "builtins": "the builtins",
    "atexit": "process exit hooks",
    "signal": "signal handlers",
    "_signal": "signal handlers",
    "faulthandler": "process crash hooks",
    "importlib": "the import system",
    "subprocess": "new processes",
    "_posixsubprocess": "new processes",
    "multiprocessing": "new processes",
    "concurrent": "processes and threads that outlive the call",
    "threading": "threads that outlive the call",
    "_thread": "threads that outlive the call",
    "socket": "the network",
    "_socket": "the network",
    "platform": "the machine it runs on, which differs between test and measured runs",
    "marshal": "code and data serialized out of sight",
    "pickle": "code and data serialized out of sight",
    "_pickle": "code and data serialized out of sight",
}
# Of those, the ones whose name, bound at the module's top level, can only be the module: an
# attribute of one is refused even when the candidate does not import it itself.
UNMISTAKABLE_MODULES = frozenset(FORBIDDEN_MODULES) - {"signal", "platform", "socket", "gc"}
# Names under which a module is the repository's tests (any part of a dotted import).
TEST_MODULE_NAMES = frozenset({"tests", "test", "conftest"})

_ENVIRONMENT = "reads the environment, which differs between test and measured runs"
_COMMAND_LINE = "reads the command line, which differs between test and measured runs"
_FILE_DESCRIPTOR = "works on raw file descriptors, such as the test runner's output"
# Attributes of modules that end the process, reach the interpreter's state or start programs.
FORBIDDEN_ATTRIBUTES = {
    ("sys", "exit"): "ends the process",
    ("sys", "exitfunc"): "runs code at exit",
    ("sys", "modules"): "reaches into every loaded module",
    ("sys", "settrace"): "installs a tracer",
    ("sys", "setprofile"): "installs a profiler",
    ("sys", "addaudithook"): "installs an audit hook",
    ("sys", "_getframe"): "reads the caller's frames",
    ("sys", "_current_frames"): "reads every thread's frames",
    ("sys", "meta_path"): "patches the import system",
    ("sys", "argv"): _COMMAND_LINE,
    ("sys", "orig_argv"): _COMMAND_LINE,
    ("sys", "gettrace"): "looks for a tracer, as a measured run has",
    ("sys", "getprofile"): "looks for a profiler, as a measured run has",
    ("os", "_exit"): "ends the process",
    ("os", "abort"): "ends the process",
    ("os", "system"): "runs a shell",
    ("os", "popen"): "runs a shell",
    ("os", "register_at_fork"): "runs code when the process forks",
    ("os", "environ"): _ENVIRONMENT,
    ("os", "environb"): _ENVIRONMENT,
    ("os", "getenv"): _ENVIRONMENT,
    ("os", "getenvb"): _ENVIRONMENT,
    ("os", "getppid"): "looks at the parent process, which differs between test and measured runs",
    ("os", "dup"): _FILE_DESCRIPTOR,
    ("os", "dup2"): _FILE_DESCRIPTOR,
    ("os", "write"): _FILE_DESCRIPTOR,
    ("os", "close"): _FILE_DESCRIPTOR,
    ("os", "closerange"): _FILE_DESCRIPTOR,
    ("weakref", "finalize"): "runs code when an object is collected or at exit",
    ("threading", "_register_atexit"): "runs code at exit",
    ("signal", "signal"): "installs a signal handler",
    ("importlib", "import_module"): "imports by name at run time",
}
# Attribute names by their start: os.execv, os.spawnlp, os.posix_spawnp, os.forkpty, os.killpg.
FORBIDDEN_ATTRIBUTE_PREFIXES = {
    ("os", "exec"): "replaces the process with another program",
    ("os", "spawn"): "starts a process",
    ("os", "posix_spawn"): "starts a process",
    ("os", "fork"): "starts a process",
    ("os", "kill"): "signals processes",
}
FORBIDDEN_CALLS = {
    "exit": "ends the process",
    "quit": "ends the process",
    "exec": "runs code it builds at run time",
    "eval": "runs code it builds at run time",
    "compile": "builds code at run time",
    "__import__": "imports by name at run time",
    "import_module": "imports by name at run time",
    "globals": "reaches the module's namespace",
    "breakpoint": "stops in a debugger",
    "setattr": "rebinds attributes by name",
    "delattr": "deletes attributes by name",
}
FORBIDDEN_NAMES = {
    "__file__": "locates the repository's files",
    "__builtins__": "reaches the builtins",
    "__loader__": "reaches the import system",
    "__spec__": "reaches the import system",
    "__del__": "runs when an object is collected, after the call or at exit",
    "SystemExit": "ends the process",
    "KeyboardInterrupt": "interrupts the test run",
}
# Substrings (compared in lower case) by which a string constant looks at how it is being run.
PROBE_STRINGS = {
    "/proc/": "reads the process's own state",
    "/dev/fd": "reaches the process's file descriptors",
    "valgrind": "looks for the instruction counter",
    "callgrind": "looks for the instruction counter",
    "ld_preload": "looks for the instruction counter",
    "pytest_": "looks for the test run",
    "ratchet_probe": "looks for Ratchet's own probe",
}
# Attributes that the original's own use excuses anywhere in the candidate, not only on the same
# line: where a rewrite moves an environment read does not change what it reads. (A forbidden
# module is excused the same way by the original's use of it: `pickle` when it already pickles.)
# Attribute -> what it reaches: findings with the same one excuse each other.
KEPT_IF_THE_ORIGINAL_USES = {
    "os.environ": "the environment",
    "os.environb": "the environment",
    "os.getenv": "the environment",
    "os.getenvb": "the environment",
    "sys.argv": "the command line",
    "sys.orig_argv": "the command line",
    "os.dup": "file descriptors",
    "os.dup2": "file descriptors",
    "os.write": "file descriptors",
    "os.close": "file descriptors",
    "os.closerange": "file descriptors",
}

CACHE_DECORATORS = {"lru_cache", "cache", "cached", "cached_property", "memoize", "memoized"}
# Called rather than written as a decorator: `functools.lru_cache(maxsize=None)(f)`.
CACHE_FACTORIES = {"functools.lru_cache", "functools.cache", "lru_cache", "memoize"}
CONTAINER_FACTORIES = {
    "dict",
    "list",
    "set",
    "bytearray",
    "defaultdict",
    "OrderedDict",
    "Counter",
    "deque",
}
MUTATING_METHODS = {
    "append",
    "extend",
    "insert",
    "update",
    "setdefault",
    "add",
    "pop",
    "popitem",
    "clear",
    "remove",
    "discard",
    "__setitem__",
    "appendleft",
}

GAMING = "a rewrite must not reach into the test run or the process; remove it"
PROBING = (
    "a rewrite must do the same work whether it is tested or measured; remove the check and "
    "compute the result the same way every time"
)
TEST_FILES = "a rewrite must not read the tests (expected values come from the code, not them)"
PATCH = (
    "a rewrite changes only its own function; patching other code changes what the tests and "
    "the measurement see"
)
STATE = (
    "state kept across calls is invisible to the tests and to replay, so the gate cannot prove "
    "it correct; compute the result from the arguments alone"
)


def is_test_module(dotted: str) -> bool:
    """`tests.test_text`, `conftest`, `pkg.tests.helpers`, `test_text`, `text_test`."""
    parts = [part for part in dotted.split(".") if part]
    return any(
        p in TEST_MODULE_NAMES or p.startswith("test_") or p.endswith("_test") for p in parts
    )


def attribute_why(module: str, attribute: str) -> str | None:
    """Why `module.attribute` is refused, or None when it is not."""
    if (why := FORBIDDEN_ATTRIBUTES.get((module, attribute))) is not None:
        return why
    for (owner, start), why in FORBIDDEN_ATTRIBUTE_PREFIXES.items():
        if module == owner and attribute.startswith(start):
            return why
    return None
