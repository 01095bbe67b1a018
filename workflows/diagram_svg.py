"""A workflow definition drawn as an SVG state diagram — no JavaScript needed.

States stand in one column per phase (left to right, in phase order), in the
order they are declared; every event is an arrow from each of its sources to
its destination. Colours and the highlight of the current state come from
CSS classes (``wf-state--current``, ``wf-edge--next``...), so the picture
needs no inline style and works under a strict Content-Security-Policy.

Pure: standard library only. Labels go through ``translate`` so that the
caller can show them in the user's language.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import escape

from workflows.engine import PHASE_LABELS_VI, PHASE_ORDER, EventDef, Phase, WorkflowDefinition

BOX_W = 152
COL_GAP = 60
COL_PITCH = BOX_W + COL_GAP
MARGIN_X = 34  # room on the left for the start marker
HEAD_H = 40
TOP = HEAD_H + 18
ROW_GAP = 26
LINE_H = 15
PAD_Y = 10
MAX_CHARS = 21
# An event with this many sources (cancel, transfer...) is not drawn as one arrow
# per source: its destination says how many steps lead there instead.
SHORTCUT_SOURCES = 4
MAX_LINES = 4


def _same(text: str) -> str:
    return text


@dataclass(frozen=True)
class Highlight:
    """What to mark: the case's state, states it went through, events it took."""

    current: str | None = None
    visited: frozenset[str] = frozenset()
    # (event name, source state) pairs the case has taken.
    taken: frozenset[tuple[str, str]] = frozenset()


@dataclass
class Box:
    name: str
    phase: Phase
    column: int
    x: float
    y: float
    lines: list[str]
    note: str = ""  # e.g. "from 7 steps": shortcut events that end here
    height: float = 0.0
    ports: dict[str, list[tuple[float, str]]] = field(default_factory=lambda: defaultdict(list))

    @property
    def mid_y(self) -> float:
        return self.y + self.height / 2


@dataclass(frozen=True)
class Edge:
    event: str
    label: str
    source: str
    dest: str
    src_side: str  # right | left | bottom
    dst_side: str  # left | right | top
    kind: str  # forward | back | same


def wrap(text: str, width: int = MAX_CHARS, max_lines: int = MAX_LINES) -> list[str]:
    """Greedy word wrap; the last line ends with an ellipsis when text is cut."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines or [""]


def layout(definition: WorkflowDefinition, translate: Callable[[str], str] = _same,
           shortcut_note: str = "từ {n} bước khác") -> tuple[list[Phase], dict[str, Box]]:
    """The phases used (one column each) and a box per state."""
    phases = [p for p in PHASE_ORDER if any(s.phase is p for s in definition.states)]
    shortcut_sources: dict[str, set[str]] = defaultdict(set)
    for event in definition.events:
        if is_shortcut(event):
            shortcut_sources[event.dest].update(event.sources)
    boxes: dict[str, Box] = {}
    for column, phase in enumerate(phases):
        y = float(TOP)
        for state in (s for s in definition.states if s.phase is phase):
            lines = wrap(translate(state.label))
            count = len(shortcut_sources.get(state.name, ()))
            note = shortcut_note.format(n=count) if count else ""
            box = Box(state.name, phase, column, MARGIN_X + column * COL_PITCH, y, lines, note)
            box.height = 2 * PAD_Y + LINE_H * (len(lines) + (1 if note else 0))
            boxes[state.name] = box
            y += box.height + ROW_GAP
    return phases, boxes


def is_shortcut(event: EventDef) -> bool:
    return len(event.sources) >= SHORTCUT_SOURCES


def edges(definition: WorkflowDefinition, boxes: dict[str, Box],
          translate: Callable[[str], str] = _same, current: str | None = None) -> list[Edge]:
    """One arrow per event and source; a shortcut event only from ``current``."""
    found = []
    for event in definition.events:
        for source in event.sources:
            if is_shortcut(event) and source != current:
                continue
            src, dst = boxes[source], boxes[event.dest]
            if dst.column > src.column:
                sides, kind = ("right", "left"), "forward"
            elif dst.column < src.column:
                sides, kind = ("left", "right"), "back"
            elif _adjacent_below(src, dst, boxes):
                sides, kind = ("bottom", "top"), "same"
            else:
                sides, kind = ("right", "right"), "same"
            found.append(Edge(event.name, translate(event.label), source, event.dest,
                              sides[0], sides[1], kind))
    return found


def _adjacent_below(src: Box, dst: Box, boxes: dict[str, Box]) -> bool:
    column = sorted((b for b in boxes.values() if b.column == src.column), key=lambda b: b.y)
    index = column.index(src)
    return index + 1 < len(column) and column[index + 1] is dst


def _point(box: Box, side: str, offset: float) -> tuple[float, float]:
    if side == "right":
        return box.x + BOX_W, box.y + offset
    if side == "left":
        return box.x, box.y + offset
    if side == "bottom":
        return box.x + BOX_W / 2 + offset, box.y + box.height
    return box.x + BOX_W / 2 + offset, box.y


def _assign_ports(all_edges: list[Edge], boxes: dict[str, Box]
                  ) -> dict[tuple[int, str], tuple[float, float]]:
    """Spread the arrows that meet one side of a box evenly along it.

    Keys are (edge index, 'src'|'dst'); ends are sorted by where the other
    end lies, so that arrows on one side do not cross each other.
    """
    ends: dict[tuple[str, str], list[tuple[float, int, str]]] = defaultdict(list)
    for i, edge in enumerate(all_edges):
        other_dst, other_src = boxes[edge.dest], boxes[edge.source]
        ends[(edge.source, edge.src_side)].append((other_dst.mid_y + other_dst.x / 1e4, i, "src"))
        ends[(edge.dest, edge.dst_side)].append((other_src.mid_y + other_src.x / 1e4, i, "dst"))
    points: dict[tuple[int, str], tuple[float, float]] = {}
    for (state, side), items in ends.items():
        box = boxes[state]
        items.sort()
        span = box.height if side in ("left", "right") else BOX_W * 0.6
        for k, (_, i, end) in enumerate(items):
            step = span / (len(items) + 1) * (k + 1)
            offset = step if side in ("left", "right") else step - span / 2
            points[(i, end)] = _point(box, side, offset)
    return points


def _path(edge: Edge, start: tuple[float, float], end: tuple[float, float]) -> str:
    (x1, y1), (x2, y2) = start, end
    if edge.src_side == "bottom":
        return f"M{x1:.1f},{y1:.1f} L{x2:.1f},{y2 - 2:.1f}"
    if edge.kind == "same":  # a bulge on the right side of the column
        bulge = 30 + min(abs(y2 - y1) / 6, 30)
        return (f"M{x1:.1f},{y1:.1f} C{x1 + bulge:.1f},{y1:.1f} {x2 + bulge:.1f},{y2:.1f} "
                f"{x2 + 2:.1f},{y2:.1f}")
    direction = 1 if edge.kind == "forward" else -1
    pull = max(28.0, abs(x2 - x1) / 2.5)
    return (f"M{x1:.1f},{y1:.1f} C{x1 + direction * pull:.1f},{y1:.1f} "
            f"{x2 - direction * pull:.1f},{y2:.1f} {x2 - direction * 2:.1f},{y2:.1f}")


def _classes(*names: str | None) -> str:
    return " ".join(n for n in names if n)


def render_svg(
    definition: WorkflowDefinition,
    *,
    translate: Callable[[str], str] = _same,
    highlight: Highlight | None = None,
    title: str = "",
    description: str = "",
    id_prefix: str = "wf",
    shortcut_note: str = "từ {n} bước khác",
) -> str:
    """The diagram as an ``<svg>`` element (escaped, ready to embed in HTML).

    ``shortcut_note`` (with ``{n}``) is shown in a state that a shortcut event
    (see ``SHORTCUT_SOURCES``) reaches from ``n`` steps.
    """
    mark = highlight or Highlight()
    phases, boxes = layout(definition, translate, shortcut_note)
    all_edges = edges(definition, boxes, translate, mark.current)
    ports = _assign_ports(all_edges, boxes)
    width = MARGIN_X + len(phases) * COL_PITCH - COL_GAP + 40
    height = max((b.y + b.height for b in boxes.values()), default=TOP) + 24
    next_states = {e.dest for e in all_edges if e.source == mark.current}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="wf-diagram" role="img" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc">',
        f'<title id="{id_prefix}-title">{escape(title or translate(definition.title))}</title>',
        f'<desc id="{id_prefix}-desc">{escape(description)}</desc>',
        _defs(id_prefix),
    ]
    parts += _columns(phases, height, translate)
    parts += _edge_elements(all_edges, ports, mark, id_prefix)
    parts += _start_marker(boxes[definition.initial], id_prefix)
    parts += _box_elements(definition, boxes, mark, next_states, translate, id_prefix)
    parts.append("</svg>")
    return "\n".join(parts)


def _defs(prefix: str) -> str:
    arrow = '<path d="M0,0 L10,5 L0,10 z"/>'
    return (
        "<defs>"
        f'<marker id="{prefix}-arrow" class="wf-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        f'markerWidth="7" markerHeight="7" orient="auto-start-reverse">{arrow}</marker>'
        f'<marker id="{prefix}-arrow-hot" class="wf-arrow wf-arrow--hot" viewBox="0 0 10 10" '
        f'refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        f"{arrow}</marker>"
        "</defs>"
    )


def _columns(phases: list[Phase], height: float, translate: Callable[[str], str]) -> list[str]:
    out: list[str] = []
    for column, phase in enumerate(phases):
        x = MARGIN_X + column * COL_PITCH - COL_GAP / 4
        w = BOX_W + COL_GAP / 2
        out.append(
            f'<g class="wf-phase wf-phase--{phase.value}">'
            f'<rect class="wf-phase__band" x="{x:.1f}" y="4" width="{w:.1f}" '
            f'height="{height - 8:.1f}" rx="10"/>'
            f'<text class="wf-phase__label" x="{x + w / 2:.1f}" y="28" text-anchor="middle">'
            f"{escape(translate(PHASE_LABELS_VI[phase]))}</text></g>"
        )
    return out


def _edge_elements(all_edges: list[Edge], ports: dict[tuple[int, str], tuple[float, float]],
                   mark: Highlight, prefix: str) -> list[str]:
    out: list[str] = []
    hot_last: list[str] = []  # drawn after the others, so they stay on top
    for i, edge in enumerate(all_edges):
        is_next = mark.current is not None and edge.source == mark.current
        is_taken = (edge.event, edge.source) in mark.taken
        classes = _classes("wf-edge", f"wf-edge--{edge.kind}",
                           "wf-edge--next" if is_next else None,
                           "wf-edge--taken" if is_taken else None)
        marker = f"{prefix}-arrow-hot" if is_next else f"{prefix}-arrow"
        element = (
            f'<g class="{classes}" data-event="{escape(edge.event)}">'
            f"<title>{escape(edge.label)}</title>"
            f'<path d="{_path(edge, ports[(i, "src")], ports[(i, "dst")])}" '
            f'marker-end="url(#{marker})"/></g>'
        )
        (hot_last if is_next or is_taken else out).append(element)
    return out + hot_last


def _start_marker(initial: Box, prefix: str) -> list[str]:
    cx, cy = MARGIN_X - 22, initial.y + initial.height / 2
    return [
        f'<g class="wf-start"><circle cx="{cx:.1f}" cy="{cy:.1f}" r="6"/>'
        f'<path d="M{cx + 6:.1f},{cy:.1f} L{MARGIN_X - 2:.1f},{cy:.1f}" '
        f'marker-end="url(#{prefix}-arrow)"/></g>'
    ]


def _box_elements(definition: WorkflowDefinition, boxes: dict[str, Box], mark: Highlight,
                  next_states: Iterable[str], translate: Callable[[str], str],
                  prefix: str) -> list[str]:
    out: list[str] = []
    upcoming = set(next_states)
    for state in definition.states:
        box = boxes[state.name]
        classes = _classes(
            "wf-state", f"wf-state--{state.phase.value}",
            "wf-state--final" if state.is_final else None,
            "wf-state--initial" if state.name == definition.initial else None,
            "wf-state--visited" if state.name in mark.visited else None,
            "wf-state--next" if state.name in upcoming else None,
            "wf-state--current" if state.name == mark.current else None,
        )
        text_y = box.y + PAD_Y + LINE_H - 3
        centre = box.x + BOX_W / 2
        tspans = "".join(
            f'<tspan x="{centre:.1f}" y="{text_y + k * LINE_H:.1f}">{escape(line)}</tspan>'
            for k, line in enumerate(box.lines)
        )
        if box.note:
            tspans += (f'<tspan class="wf-state__note" x="{centre:.1f}" '
                       f'y="{text_y + len(box.lines) * LINE_H:.1f}">{escape(box.note)}</tspan>')
        current = ' aria-current="step"' if state.name == mark.current else ""
        out.append(
            f'<g class="{classes}" id="{prefix}-state-{escape(state.name)}" '
            f'data-state="{escape(state.name)}"{current}>'
            f"<title>{escape(translate(state.label))}</title>"
            f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{BOX_W}" height="{box.height:.1f}" '
            f'rx="8"/>'
            f'<text text-anchor="middle">{tspans}</text></g>'
        )
    return out
