"""What the host and the probe say to each other: one config and one result shape per mode.

The host writes a config file and names it in $RATCHET_PROBE; the probe reads it, deletes it
before any repo code runs, and sends what it sees on the result channel (channel.py), keyed by
the envelope's nonce, the result last:

    config  {"mode": "suite", "output": "<nonce>", "config": {...}}
    result  frame "result": {"mode": "suite", ...the result's fields...}

A config's `encode` and `decode_config` are the envelope; each config's `read_result` turns the
result's JSON back into its frozen shape, checking each field's kind and raising ProtocolError
when the file is not what the mode promises. Standard library only: the host imports this module
as `profilers.ratchet_probe.protocol`, the probe as `ratchet_probe.protocol`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, TypeVar, Union

CONFIG_ENV = "RATCHET_PROBE"

T = TypeVar("T")


class ProtocolError(ValueError):
    """A config or result does not have the shape its mode promises."""


# -- the pytest plugin's modes ---------------------------------------------------------------


class _Config:
    mode: ClassVar[str]

    def encode(self, nonce: str) -> str:
        """The config file's text: the mode, the channel's nonce, and the mode's fields."""
        return json.dumps({"mode": self.mode, "output": nonce, "config": _dump(self)})


@dataclass(frozen=True)
class CallersConfig(_Config):
    """Wrap each target; note which tests call it, and how often."""

    mode: ClassVar[str] = "callers"
    targets: tuple[str, ...]

    def read_result(self, data: object) -> CallersResult:
        return _load(CallersResult, _of_mode(data, self.mode))


@dataclass(frozen=True)
class CallersResult:
    calls: Mapping[str, int]  # target -> outermost calls over the whole run
    callers: Mapping[str, tuple[str, ...]]  # target -> the tests that called it, in run order
    benchmarks: tuple[str, ...] = ()  # tests that use pytest-benchmark's `benchmark` fixture
    errors: tuple[str, ...] = ()  # targets that could not be wrapped, as sentences


@dataclass(frozen=True)
class MeasureConfig(_Config):
    """The selected tests twice in one process (warm-up, then measured), counting only inside the
    outermost calls of the target, with the heap perturbed and gc disabled in the measured pass."""

    mode: ClassVar[str] = "measure"
    target: str
    counter: str  # "callgrind" | "perf" | "bytecode"
    perturbation: int = 0  # heap-state variant
    salt: str = ""  # mixed into the fingerprint (the counter's version)
    passes: int = 2  # 2: warm-up, then measured; 1: the measured pass only, in a cold process

    def read_result(self, data: object) -> MeasureResult:
        return _load(MeasureResult, _of_mode(data, self.mode))


@dataclass(frozen=True)
class MeasureResult:
    calls: int  # outermost calls of the target in the measured pass
    value: int | None  # the count; None for callgrind, whose output file the host reads
    counter: str
    unit: str
    impl: str  # how the region was bracketed, e.g. "client-requests"
    fingerprint: str  # the interpreter and counter setup the count was taken on
    passed: int = 0  # outcomes of the measured pass
    failed: int = 0
    skipped: int = 0
    errors: tuple[str, ...] = ()
    failures: Mapping[str, str] = field(default_factory=dict)  # nodeid -> first error line


@dataclass(frozen=True)
class SuiteConfig(_Config):
    """Each test's outcome, and what was patched in the test framework or the process."""

    mode: ClassVar[str] = "suite"

    def read_result(self, data: object) -> SuiteResult:
        return _load(SuiteResult, _of_mode(data, self.mode))


@dataclass(frozen=True)
class SuiteResult:
    outcomes: Mapping[str, str]  # nodeid -> passed, failed, error, skipped, xfailed, xpassed
    collected: int  # items collected, after deselection
    exitstatus: int  # pytest's session exit status
    finished: bool  # the session was not ended early (pytest.exit, KeyboardInterrupt)
    interrupted: str | None = None  # what ended it early
    tampered: tuple[str, ...] = ()  # a sentence per replaced or removed tamper point
    errors: Mapping[str, str] = field(default_factory=dict)  # nodeid -> first error line (a few)


@dataclass(frozen=True)
class RecordConfig(_Config):
    """Every outermost call of the target, pickled, within the caps."""

    mode: ClassVar[str] = "record"
    target: str
    recording: str  # where the pickled recording goes
    max_calls: int = 200
    max_bytes: int = 4_000_000

    def read_result(self, data: object) -> RecordResult:
        return _load(RecordResult, _of_mode(data, self.mode))


@dataclass(frozen=True)
class RecordResult:
    seen: int  # calls observed
    kept: int  # calls kept in the recording
    unreplayable: int  # kept calls whose arguments cannot be pickled
    cap: str | None  # "max_calls" or "max_bytes" when one was reached
    bytes: int  # the recording's size, roughly
    failed: int = 0  # failed test reports while recording
    errors: tuple[str, ...] = ()  # the recording cannot be taken, as sentences
    warnings: tuple[str, ...] = ()  # single calls that could not be recorded
    argument_types: tuple[str, ...] = ()  # e.g. "text: str", most frequent type first


@dataclass(frozen=True)
class BlocksConfig(_Config):
    """Block-level runtime state, test by test: with `trace` empty, the lines each test ran in
    `files` (spectrum-based fault localization); else the block trace of each `trace` function
    in each test. Each test's findings go in a frame of their own
    as it ends ("test"), so a run cut short still tells what ran; a test still running after
    `test_timeout` seconds is failed by an alarm, as a hang."""

    mode: ClassVar[str] = "blocks"
    root: str  # the workspace's root: paths in and out are relative to it
    files: tuple[str, ...] = ()  # repo-relative source files whose lines count
    trace: tuple[str, ...] = ()  # "path/to/file.py::Qual.name"
    test_timeout: float = 10.0

    def read_result(self, data: object) -> BlocksResult:
        return _load(BlocksResult, _of_mode(data, self.mode))


@dataclass(frozen=True)
class BlocksResult:
    collected: int
    exitstatus: int
    errors: tuple[str, ...] = ()  # trace targets that could not be found, as sentences


# -- the script entries: python -m ratchet_probe replay | generate ---------------------------


@dataclass(frozen=True)
class ReplayConfig(_Config):
    """Replay every recorded call against the code in the workspace."""

    mode: ClassVar[str] = "replay"
    recording: str
    float_tolerance: float = 0.0
    call_timeout: float = 10.0
    self_check: bool = False  # replay twice; calls that do not reproduce become unreplayable
    rewrite: str | None = None  # with self_check: where the checked recording goes

    def read_result(self, data: object) -> CheckResult:
        return read_check_result(_of_mode(data, self.mode))


@dataclass(frozen=True)
class GenerateConfig(_Config):
    """Hypothesis inputs shaped like the recorded ones, drawn by count and seed against the
    unchanged code, written as a recording of their own (arguments only)."""

    mode: ClassVar[str] = "generate"
    recording: str
    output: str  # where the generated recording goes
    examples: int = 100
    seed: int = 0

    def read_result(self, data: object) -> CheckResult:
        return read_check_result(_of_mode(data, self.mode))


@dataclass(frozen=True)
class CheckResult:
    """How a replay or a generation went; what each call did travels in its own frames and is
    compared on the host, never here."""

    replayed: int = 0  # calls replayed (generate: inputs drawn)
    skipped: int = 0  # calls not replayable (generate: inputs that could not be pickled)
    error: str | None = None  # the check could not run, e.g. the candidate does not import
    note: str | None = None  # worth knowing, not a failure
    unreplayable: int = 0  # self_check: unreplayable calls in the rewritten recording


def read_check_result(data: object) -> CheckResult:
    return _load(CheckResult, data)


Config = Union[
    CallersConfig,
    MeasureConfig,
    SuiteConfig,
    RecordConfig,
    BlocksConfig,
    ReplayConfig,
    GenerateConfig,
]
Result = Union[CallersResult, MeasureResult, SuiteResult, RecordResult, BlocksResult, CheckResult]
CONFIGS: Mapping[str, type[Config]] = {
    kind.mode: kind
    for kind in (
        CallersConfig,
        MeasureConfig,
        SuiteConfig,
        RecordConfig,
        BlocksConfig,
        ReplayConfig,
        GenerateConfig,
    )
}


# -- the envelope ----------------------------------------------------------------------------


def decode_config(text: str) -> tuple[Config, str]:
    """(config, output path) from a config file's text."""
    try:
        envelope = json.loads(text)
    except ValueError as exc:
        raise ProtocolError(f"the probe's config is not JSON: {exc}") from None
    if not isinstance(envelope, dict) or envelope.get("mode") not in CONFIGS:
        known = ", ".join(CONFIGS)
        raise ProtocolError(f"the probe's config names no mode it knows ({known})")
    output = envelope.get("output")
    if not isinstance(output, str) or not output.isalnum():
        raise ProtocolError("the probe's config carries no channel nonce")
    return _load(CONFIGS[envelope["mode"]], envelope.get("config")), output


# -- loading with each field's kind checked --------------------------------------------------

_KINDS: Mapping[str, type | tuple[type, ...]] = {
    "int": int,
    "float": (int, float),
    "str": str,
    "bool": bool,
    "tuple": tuple,
    "Mapping": dict,
}


def _of_mode(data: object, mode: str) -> object:
    """The result's JSON, if it is a result of `mode`."""
    found = data.get("mode") if isinstance(data, dict) else None
    if found != mode:
        raise ProtocolError(f"a result of the {mode} mode was expected, not of {found!r}")
    return data


def _dump(shape: Any) -> dict[str, Any]:
    return {f.name: _plain(getattr(shape, f.name)) for f in fields(shape)}


def _plain(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return _dump(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _load(kind: type[T], data: object, **given: Any) -> T:
    """An instance of the dataclass `kind` from a JSON object: lists become tuples, missing
    fields take their defaults, unknown keys are ignored, a field of the wrong kind is an error."""
    if not isinstance(data, dict):
        raise ProtocolError(f"a {kind.__name__} is a JSON object, not {type(data).__name__}")
    values = dict(given)
    for spec in fields(kind):  # type: ignore[arg-type]
        if spec.name in values or spec.name not in data:
            continue
        value = _frozen(data[spec.name])
        if not _fits(value, str(spec.type)):
            shown = repr(value)[:80]
            raise ProtocolError(f"{kind.__name__}.{spec.name} should be {spec.type}, not {shown}")
        values[spec.name] = value
    try:
        return kind(**values)
    except TypeError as exc:
        raise ProtocolError(f"{kind.__name__} is incomplete: {exc}") from None


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items()}
    return value


def _fits(value: Any, annotation: str) -> bool:
    """Whether `value` has the outer kind the annotation names (`int | None`, `tuple[str, ...]`);
    the kinds of items inside containers are not checked."""
    for option in annotation.split(" | "):
        if option == "None":
            if value is None:
                return True
            continue
        kind = _KINDS.get(option.split("[", 1)[0])
        if kind is None:
            return True
        if isinstance(value, bool) and kind is not bool:
            continue
        if isinstance(value, kind):
            return True
    return False


def write_result(nonce: str, mode: str, result: Result) -> None:
    """Send the result as the channel's last frame."""
    from .channel import open_channel

    open_channel(nonce).send("result", {"mode": mode, **_dump(result)})
