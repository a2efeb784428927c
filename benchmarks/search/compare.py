"""Search latency of this checkout against an earlier commit, on the same database in the same
run, interleaved, so the ratio is not a comparison of two different moments of a shared machine.

    .venv/bin/python benchmarks/search/compare.py REV            # e.g. 0edff32 (before GROUPING SETS)
    .venv/bin/python benchmarks/search/compare.py REV --pairs 5

Needs the database `bench_search.py` builds (run it once first). REV is checked out into a git
worktree under var/bench-worktrees/; both sides run `bench_search.QUERIES` through
`search_products` with the answer cache off, alternating old, new, old, new... (--pairs, 3 by
default), each side in its own process. It prints p50/p95 for each side and the ratios, and
appends them to benchmarks/RESULTS.md. The earlier commit reads the same rows (the columns it
does not know are ignored); its own migrations are not run.
"""

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASE_DIR = HERE.parent.parent
sys.path.insert(0, str(HERE.parent))
import benchlib  # noqa: E402


def measure(code_dir: Path) -> dict[str, list[float]]:
    """Runs this file with --measure in a child process whose imports come from code_dir."""
    out = subprocess.run(
        [sys.executable, __file__, "--measure", str(code_dir)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(code_dir)},
        cwd=code_dir,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def measure_here(code_dir: str) -> None:
    sys.path.insert(0, str(HERE))
    import bench_search  # sets the database and settings environment; imports nothing of the shop

    # The shop's code comes from code_dir alone (this checkout or the worktree of REV): `apps` is a
    # namespace package, so a second checkout left on the path would lend it modules.
    sys.path[:] = [code_dir] + [
        entry
        for entry in sys.path
        if entry and Path(entry).resolve() not in (BASE_DIR, Path(code_dir).resolve())
    ]
    import django

    django.setup()
    import time

    from django.conf import settings

    from apps.search.selectors import search_products
    from apps.search.types import SearchFilters

    settings.SEARCH_CACHE_SECONDS = 0
    assert Path(sys.modules["apps.search.backends"].__file__).is_relative_to(code_dir), "mixed checkouts"
    timings: dict[str, list[float]] = {}
    for rnd in range(bench_search.ROUNDS + 1):
        for label, query, filters, sort in bench_search.QUERIES:
            started = time.perf_counter()
            search_products(query=query, filters=SearchFilters(**filters), sort=sort, language="en")
            if rnd:  # round 0 warms up
                timings.setdefault(label, []).append((time.perf_counter() - started) * 1000)
    print(json.dumps(timings))


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit(__doc__)
    revision = args[0]
    pairs = int(args[args.index("--pairs") + 1]) if "--pairs" in args else 3
    short = subprocess.run(
        ["git", "rev-parse", "--short", revision], cwd=BASE_DIR, check=True, capture_output=True, text=True
    ).stdout.strip()
    worktree = BASE_DIR / "var" / "bench-worktrees" / short
    if not worktree.exists():
        worktree.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "worktree", "add", "--detach", str(worktree), short], cwd=BASE_DIR, check=True)
    sides = {"before": worktree, "after": BASE_DIR}
    samples: dict[str, dict[str, list[float]]] = {"before": {}, "after": {}}
    for number in range(pairs):
        for side, code_dir in sides.items():
            print(f"pair {number + 1}/{pairs}: {side} ({code_dir.name})", flush=True)
            for label, values in measure(code_dir).items():
                samples[side].setdefault(label, []).extend(values)

    def every(side: str) -> list[float]:
        return [value for values in samples[side].values() for value in values]

    lines = [
        "",
        f"## Search latency, commit {benchlib.commit()} against the earlier {short} (interleaved), "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"`benchmarks/search/compare.py {revision} --pairs {pairs}`: the 50 queries of `bench_search.py` through "
        f"`search_products`, answer cache off, on the same 100,000-product database, the two commits "
        f"alternating in {pairs} pairs of child processes.",
        f"Machine: {benchlib.machine()}, load average {', '.join(f'{v:.2f}' for v in os.getloadavg())}.",
        "",
        f"| queries | p50 {short} | p50 now | p95 {short} | p95 now | p95 ratio (before / now) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    rows = [("all", every("before"), every("after"))] + [
        (label, samples["before"][label], samples["after"][label]) for label in samples["after"]
    ]
    for label, before, after in rows:
        lines.append(
            f"| {label} | {statistics.median(before):.1f} ms | {statistics.median(after):.1f} ms | "
            f"{percentile(before, 0.95):.1f} ms | {percentile(after, 0.95):.1f} ms | "
            f"{percentile(before, 0.95) / percentile(after, 0.95):.2f} |"
        )
    lines.append("")
    text = "\n".join(lines)
    print(text)
    with (BASE_DIR / "benchmarks" / "RESULTS.md").open("a", encoding="utf-8") as results:
        results.write(text)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--measure":
        measure_here(sys.argv[2])
    else:
        main()
