"""Where a stepper goes next: the Python twin of the routing functions in ``widgets/static/stepper.js``.

A stage is a mapping with an ``id`` and optionally:

* ``choice``: ``{"options": [{"goto": stage_id, ...}, ...]}`` - the reader's pick decides the next stage;
* ``next``: a stage id to go to after this stage (a branch rejoining the main line);
* ``branch``: true for a stage reached only through a choice (plain Next skips it).

Without ``choice`` or ``next``, Next leads to the following stage in the list that is not a branch.
The route (the stages a reader passes through) is fully determined by the choices made, so it is
recomputed rather than stored. ``route_problems`` is what the data validator and the widget check:
every target exists, every stage is reachable, no route loops, and every complete route has the same
length (so "Stage 3 of 8" means the same thing whatever the reader chose).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Stages = Sequence[Mapping[str, Any]]


def _index(stages: Stages, ident: str) -> int | None:
    for i, s in enumerate(stages):
        if s.get("id") == ident:
            return i
    return None


def next_index(stages: Stages, k: int, choices: Mapping[str, int]) -> int | None:
    """The stage Next leads to from stage ``k``; None at the end, or while a choice is still open."""
    if not 0 <= k < len(stages):
        return None
    s = stages[k]
    choice = s.get("choice")
    if choice:
        picked = choices.get(s["id"])
        options = choice.get("options") or []
        if not isinstance(picked, int) or not 0 <= picked < len(options):
            return None
        return _index(stages, options[picked].get("goto"))
    if s.get("next"):
        return _index(stages, s["next"])
    for j in range(k + 1, len(stages)):
        if not stages[j].get("branch"):
            return j
    return None


def route(stages: Stages, choices: Mapping[str, int]) -> list[int]:
    """The stages passed from the first one, following the choices made, up to the end or an open choice."""
    out: list[int] = []
    k: int | None = 0 if stages else None
    while k is not None and k not in out:
        out.append(k)
        k = next_index(stages, k, choices)
    return out


def route_length(stages: Stages) -> int:
    """Number of stages in a complete route (all routes have the same length once validated)."""
    first = {s["id"]: 0 for s in stages if s.get("choice")}
    return len(route(stages, first))


def _all_routes(stages: Stages, limit: int = 256) -> list[tuple[list[int], bool]]:
    """Every complete route as (stages, loops?), trying each option of each choice met (depth first)."""
    out: list[tuple[list[int], bool]] = []

    def walk(path: list[int], choices: dict[str, int]) -> None:
        if len(out) >= limit:
            return
        k = path[-1]
        s = stages[k]
        if s.get("choice"):
            targets = list(range(len(s["choice"].get("options") or [])))
        else:
            targets = [None]
        for t in targets:
            ch = dict(choices) if t is None else {**choices, s["id"]: t}
            nxt = next_index(stages, k, ch)
            if nxt is None:
                out.append((path, False))
            elif nxt in path:
                out.append((path + [nxt], True))
            else:
                walk(path + [nxt], ch)

    if stages:
        walk([0], {})
    return out


def route_problems(stages: Stages) -> list[str]:
    """What is wrong with a stepper's routing, in words (empty when nothing is)."""
    ids = [s.get("id") for s in stages]
    problems = []
    for s in stages:
        targets = [("next", s.get("next"))] if s.get("next") else []
        targets += [(f"choice option {i + 1}", o.get("goto"))
                    for i, o in enumerate((s.get("choice") or {}).get("options") or [])]
        problems += [f"stage '{s['id']}': {what} leads to '{t}', which is not a stage id; known: {', '.join(ids)}"
                     for what, t in targets if t not in ids]
    if problems or not stages:
        return problems
    if stages[0].get("branch"):
        problems.append(f"stage '{stages[0]['id']}': the first stage cannot be a branch (nothing leads to it)")
    routes = _all_routes(stages)
    problems += [f"the route {' -> '.join(ids[i] for i in path)} loops" for path, loops in routes if loops]
    seen = {i for path, _ in routes for i in path}
    problems += [f"stage '{ids[i]}' is unreachable: no Next or choice leads to it" for i in range(len(stages)) if i not in seen]
    lengths = sorted({len(path) for path, loops in routes if not loops})
    if len(lengths) > 1:
        problems.append(f"routes have different lengths ({', '.join(map(str, lengths))} stages): give every branch "
                        "the same number of stages, so 'Stage k of n' means the same on every route")
    return problems


__all__ = ["next_index", "route", "route_length", "route_problems"]
