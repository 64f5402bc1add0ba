"""Mutants of the reference SUTs, enumerated and applied by cosmic-ray's operators, with stable ids.

A mutant's id is ``path:line-text-hash:operator[#k]``: the hash of the stripped source line where the mutation
starts, so the id survives edits elsewhere in the file (the triage file is keyed by it); ``#k`` tells apart the
k-th same mutation on identical lines. The sample is fixed by the seed and stable too: each area's mutants are
ranked by sha256(seed, id) and the first N taken, so adding code elsewhere does not reshuffle it."""

from __future__ import annotations

import difflib
import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import cosmic_ray.plugins
from cosmic_ray.ast import ast_nodes, get_ast
from cosmic_ray.mutating import mutate_code

from scripts.mutation.areas import OPERATORS, Area

# A mutation whose span holds these is in the reference's fault-injection scaffolding (``config.has("name")``,
# ``self.has(...)``, ``faults``), not in the SUT's behaviour: not drawn.
SCAFFOLDING = (".has(", "fault")


@dataclass(frozen=True)
class Mutant:
    id: str
    area: str
    path: str  # relative to the repository root
    operator: str  # cosmic-ray name, e.g. core/AddNot
    occurrence: int  # cosmic-ray's occurrence of the operator in the module
    line: int

    def apply(self, source: str) -> str | None:
        """The mutated module source, or None when the operator finds nothing to mutate there any more."""
        operator = cosmic_ray.plugins.get_operator(self.operator)()
        try:
            return mutate_code(source, operator, self.occurrence)
        except (AssertionError, AttributeError, IndexError):  # the operator cannot rewrite this node
            return None


def line_hash(text: str) -> str:
    return hashlib.sha1(" ".join(text.split()).encode()).hexdigest()[:8]


def _span(lines: list[str], start: tuple[int, int], end: tuple[int, int]) -> str:
    if start[0] == end[0]:
        return lines[start[0] - 1][start[1]:end[1]]
    return "\n".join([lines[start[0] - 1][start[1]:], *lines[start[0]:end[0] - 1], lines[end[0] - 1][:end[1]]])


def enumerate_area(root: Path, area: Area) -> list[Mutant]:
    """Every mutant of the area's modules under the chosen operators, fault scaffolding left out."""
    found: list[Mutant] = []
    for path in area.files:
        source = (root / path).read_text(encoding="utf-8")
        lines = source.splitlines()
        module = get_ast(source)
        nodes = list(ast_nodes(module))
        seen: Counter[str] = Counter()
        for short in OPERATORS:
            name = f"core/{short}"
            operator = cosmic_ray.plugins.get_operator(name)()
            occurrence = -1
            for node in nodes:
                for start, end in operator.mutation_positions(node):
                    occurrence += 1
                    span = _span(lines, start, end)
                    text = lines[start[0] - 1]
                    if any(s in span for s in SCAFFOLDING) or text.lstrip().startswith("@"):
                        continue  # fault scaffolding, or a decorator's arguments (dataclass flags)
                    if short == "ExceptionReplacer" and "." in text[max(0, start[1] - 1):end[1] + 1]:
                        continue  # cosmic-ray mangles dotted names (queue.Empty -> queueCosmicRay...Empty)
                    base = f"{path}:{line_hash(lines[start[0] - 1])}:{short}"
                    seen[base] += 1
                    mid = base if seen[base] == 1 else f"{base}#{seen[base]}"
                    found.append(Mutant(mid, area.name, path, name, occurrence, start[0]))
    return found


def sample(mutants: list[Mutant], count: int, seed: int) -> list[Mutant]:
    ranked = sorted(mutants, key=lambda m: hashlib.sha256(f"{seed}:{m.id}".encode()).hexdigest())
    return sorted(ranked[:count], key=lambda m: (m.path, m.line, m.id))


def describe(original: str, mutated: str) -> str:
    """``old -> new`` for the lines the mutation changed (stripped, joined with ' / ')."""
    old: list[str] = []
    new: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=original.splitlines(), b=mutated.splitlines(),
                                                         autojunk=False).get_opcodes():
        if tag != "equal":
            old += [s.strip() for s in original.splitlines()[i1:i2]]
            new += [s.strip() for s in mutated.splitlines()[j1:j2]]
    return f"{' / '.join(old)[:160]}  ->  {' / '.join(new)[:160]}"
