"""Network analysis at scale: what `kg analyze` uses (igraph's C code) against plain NetworkX, on the
same actor network built from generated case studies.

For each size: the projection, then betweenness (exact with each library, and kg's pivot estimate with
its stated error bound and its measured error), then greedy-modularity communities with each library.
NetworkX runs in a forked copy of the process with a time limit, so a size where it would take hours
still finishes; ``> T s`` marks a stop at the limit.

    python bench/network.py --sizes 1000 10000 --limit 300
    python bench/network.py --sizes 10000 --no-exact   # the shipped path only, without the exact reference
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import _in_child, _timed


def seconds(value: float | None, limit: float) -> str:
    return f"> {limit:.0f} s" if value is None else f"{value:.2f} s"


def measure(cases: int, limit: float, folder: Path, exact: bool = True) -> list[tuple[str, str, str]]:
    """Rows of (work, kg, NetworkX) for one size; without ``exact``, no exact betweenness (and no error)."""
    import igraph  # noqa: F401  (imported here so that no timing below includes loading it)
    import networkx as nx

    import kg
    from bench.generate import generate
    from kg.network import analysis
    from kg.network.projection import project

    path = folder / f"cases-{cases}.nq"
    with path.open("w", encoding="utf-8") as out:
        generate(out, cases, seed=1)
    graph = kg.load([path])
    projection_s, network = _timed(lambda: project(graph))
    net_s, net = _timed(lambda: analysis.actor_network(network))
    rows = [
        ("statements", f"{len(graph):,}", ""),
        ("actor network", f"{len(net):,} nodes, {net.number_of_edges():,} ties", ""),
        ("projection + actor network", f"{projection_s + net_s:.2f} s", ""),
    ]
    pivots = min(analysis.PIVOTS, len(net))
    estimate_s, estimate = _timed(lambda: analysis.betweenness(net, pivots))
    plain_estimate = _in_child(lambda: [nx.betweenness_centrality(net, k=pivots, seed=0)], limit)
    if exact:
        exact_s, truth = _timed(lambda: analysis.betweenness(net, None))
        plain_exact = _in_child(lambda: [nx.betweenness_centrality(net, normalized=True)], limit)
        rows.append(("betweenness, exact", f"{exact_s:.2f} s", seconds(plain_exact, limit)))
    rows.append((f"betweenness, {pivots} pivots", f"{estimate_s:.2f} s", seconds(plain_estimate, limit)))
    bound = analysis.error_bound(len(net), pivots)
    if exact:
        error = max(abs(estimate[n] - truth[n]) for n in net)
        top = {n for n, _ in sorted(truth.items(), key=lambda kv: -kv[1])[:20]}
        found = {n for n, _ in sorted(estimate.items(), key=lambda kv: -kv[1])[:20]}
        kept = f"{error:.4f} / {bound:.4f} / {len(top & found)} of 20"
        rows.append(("estimate: largest error / stated bound / top-20 kept", kept, ""))
    else:
        rows.append(("estimate: stated error bound", f"{bound:.4f}", ""))
    communities_s, _ = _timed(lambda: analysis.modularity_groups(net))
    plain_communities = _in_child(lambda: [nx.community.greedy_modularity_communities(net)], limit)
    plain = seconds(plain_communities, limit)
    rows.append(("communities (greedy modularity)", f"{communities_s:.2f} s", plain))
    brokers_s, frame = _timed(lambda: analysis.brokers(network))
    groups_s, _ = _timed(lambda: analysis.communities(network))
    total = projection_s + brokers_s + groups_s
    shipped = f"{brokers_s:.2f} s (pivots: {frame.attrs['pivots']})"
    rows.append(("`kg analyze brokers`, as shipped", shipped, ""))
    rows.append(("`kg analyze communities`, as shipped", f"{groups_s:.2f} s", ""))
    rows.append(("projection + brokers + communities", f"{total:.2f} s", ""))
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="case studies per run")
    parser.add_argument("--limit", type=float, default=300.0, help="seconds NetworkX gets per task")
    parser.add_argument(
        "--no-exact", action="store_true", help="no exact betweenness (tens of minutes at 10,000 cases)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        for cases in args.sizes:
            print(f"\n### {cases:,} generated case studies\n")
            print("| work | kg (igraph) | NetworkX |\n|---|---|---|")
            for work, ours, plain in measure(cases, args.limit, Path(tmp), not args.no_exact):
                print(f"| {work} | {ours} | {plain} |", flush=True)


if __name__ == "__main__":
    main()
