"""Room for every label: labels wrapped to a few short lines, and nodes moved apart until no two
labelled nodes' boxes overlap.

A force layout places nodes by their links and knows nothing of the text beside them, so long
labels (an intervention's name runs to a dozen words) cover one another at first sight. Each node
gets a box, its shape plus its wrapped label in vis-network's font, and overlapping boxes are
pushed apart along the axis where they overlap least, a few pixels at a time, until none overlap.
Positions are page pixels (as :func:`kg.network.diagrams.layout` gives them), so the result holds
at any zoom: zooming scales the boxes and the gaps between them alike.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from functools import cache

#: Labels wrap at this many characters a line (a word longer than that stays whole).
LABEL_WIDTH = 22

#: vis-network's label font size and node size on the page (see diagrams.page_options), in pixels.
FONT_PX = 14
NODE_PX = 14

#: A generous estimate of a character's width and a line's height in the page's sans-serif font, as
#: fractions of the font size, so that estimated boxes are never smaller than the drawn ones.
CHAR_EM = 0.62
LINE_EM = 1.3

#: Space kept between two boxes, in pixels.
GAP = 6.0

#: Pairs whose gap falls short by at most this many pixels are left as they are: their boxes are still
#: GAP - SETTLED apart, and chasing such sub-pixel moves took most of the rounds (20 times the time).
SETTLED = 1.0

#: Above this many nodes labels are too small to read at first sight anyway, and spreading (from
#: one to seven seconds for 300 to 400 nodes, growing with the square) is not worth its time.
SPREAD_LIMIT = 200


@cache  # the same labels recur in many diagrams of one build
def wrap(label: str, width: int = LABEL_WIDTH) -> str:
    """The label on lines of at most ``width`` characters, broken between words."""
    return "\n".join(textwrap.wrap(label, width, break_long_words=False, break_on_hyphens=False)) or label


def box(label: str) -> tuple[float, float]:
    """Width and height of a node with its (already wrapped) label, in page pixels.

    The label sits below the shape or inside it, depending on the shape; the box is taken as
    centred on the node and tall enough for either.
    """
    lines = label.split("\n") if label else []
    width = max([2 * NODE_PX, *(len(line) * FONT_PX * CHAR_EM for line in lines)])
    height = 2 * NODE_PX + 2 * len(lines) * FONT_PX * LINE_EM
    return width, height


def spread(
    positions: Mapping[str, tuple[float, float]],
    sizes: Mapping[str, tuple[float, float]],
    pinned: str | None = None,
    rounds: int = 400,
) -> dict[str, tuple[float, float]]:
    """Positions moved apart until no two boxes (``sizes``: width, height, centred) overlap.

    The ``pinned`` node (an ego network's centre) stays where it is; whatever overlaps it moves
    the whole way instead of half.

    Each round sweeps the nodes in order of x, so that only boxes that overlap in x are compared,
    and moves both nodes of an overlapping pair half the overlap (plus the gap) apart along the
    axis where they overlap least, until every gap is within :data:`SETTLED` of :data:`GAP`.
    Deterministic: the same input gives the same positions.
    """
    place = {node: [float(x), float(y)] for node, (x, y) in sorted(positions.items())}
    widest = max((w for w, _ in sizes.values()), default=0.0)
    for _ in range(rounds):
        moved = False
        order = sorted(place, key=lambda n: (place[n][0], n))
        for i, a in enumerate(order):
            (ax, ay), (aw, ah) = place[a], sizes[a]
            for b in order[i + 1 :]:
                (bx, by), (bw, bh) = place[b], sizes[b]
                if bx - ax >= (aw + widest) / 2 + GAP:
                    break  # sorted by x: no later box, however wide, reaches back to a
                room_x = (aw + bw) / 2 + GAP
                dx, dy = room_x - abs(bx - ax), (ah + bh) / 2 + GAP - abs(by - ay)
                if dx <= SETTLED or dy <= SETTLED:
                    continue
                moved = True
                axis, overlap = (0, dx) if dx < dy else (1, dy)
                sign = 1.0 if (place[b][axis], b) >= (place[a][axis], a) else -1.0
                share_a = 0.0 if a == pinned else 1.0 if b == pinned else 0.5
                place[a][axis] -= sign * overlap * share_a
                place[b][axis] += sign * overlap * (1.0 - share_a)
                ax, ay = place[a]
        if not moved:
            break
    return {node: (round(x, 1), round(y, 1)) for node, (x, y) in place.items()}
