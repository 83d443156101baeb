"""The rewrite engine: find a function in a module and replace its body with a candidate's,
keeping every other byte of the file, and prove the signature did not change.

Outcomes, never exceptions for bad input:

    replace_function(...) -> Replaced(source, diff, decorators_changed)
                           | Rejected(kind, reason)
    locate_function(...) / function_at_line(...) -> Definition | Rejected(kind, reason)

`Rejected.reason` is one or two sentences for a person or an LLM; `Rejected.kind` is a short
word for grouping (see RejectionKind).

The candidate format (what rules and LLM replies produce) is module text holding
- import statements: added after the module's imports (the last import before the first compound
  statement), trimmed to the names the module does not import yet; `__future__` imports the
  module lacks and star imports are refused;
- module-level helpers: assignments to plain names, functions, classes: inserted, in the
  candidate's order, before the top-level statement that holds the target (for a method: its
  class), followed by two blank lines; a helper the module already has (same code up to
  formatting) is skipped, one that would rebind a module-level name or a builtin is refused;
- exactly one `def` of the target, by its last name: for a method just the method's def, for a
  nested function just its def, at column 0 or at its indentation in the module.
Only the body is taken from the candidate's def. The module keeps the comment and blank lines
above the def, its decorators, its def line(s) up to the colon and that line's comment, and the
comment lines after the body; the candidate's versions of those are dropped. The signature must
be the same up to formatting. The decorators may change only when the candidate says why on a
comment line `# ratchet: decorators changed because <why>` (above the def, or anywhere outside
its body); then the candidate's decorators are used and the reason is returned in
`Replaced.decorators_changed`.
Body indentation written in the candidate's own unit takes the unit of the body it replaces.
"""

from .index import Definition
from .locate import (
    ModuleMatch,
    function_at_line,
    function_source,
    list_functions,
    locate_function,
    module_paths,
)
from .outcomes import Rejected, RejectionKind, Replaced
from .replace import replace_function
from .roundtrip import Trial, round_trip

__all__ = [
    "Definition",
    "ModuleMatch",
    "Rejected",
    "RejectionKind",
    "Replaced",
    "Trial",
    "function_at_line",
    "function_source",
    "list_functions",
    "locate_function",
    "module_paths",
    "replace_function",
    "round_trip",
]
