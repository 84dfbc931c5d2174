"""Time to a drawn graph.html in headless Chromium, for 500 and 5,000 nodes (not a unit test).

    .venv/bin/python benchmarks/view_benchmark.py [--sizes 500 5000] [--top N]

Builds a synthetic news-like graph (articles, entities mentioned in them, a few facts between
entities, events with actors and places), renders it with kg.export.view, opens it from disk in
headless Chromium (chromium + chromium-driver, network blocked) and prints a table: Python render
time, page size, time from navigation start to the first drawn frame, nodes drawn, and the time a
filter change takes (unticking one type).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import networkx as nx

from kg.export.view import DEFAULT_TOP, write_view

KINDS = ("person", "organization", "country", "place", "weapon")


def synthetic(n: int, seed: int = 1) -> nx.MultiDiGraph:
    rng = random.Random(seed)
    g = nx.MultiDiGraph()
    articles = [f"https://example.org/article/{i}" for i in range(max(1, n // 10))]
    for i, a in enumerate(articles):
        g.add_node(a, kind="article", label=f"Article {i}", types=["schema:NewsArticle"], date_published=f"2026-03-{1 + i % 28:02d}")
    entities = []
    for i in range(n - len(articles)):
        kind = "event" if i % 9 == 0 else KINDS[i % len(KINDS)]
        node = f"https://example.org/{kind}/{i}"
        source = rng.choice(articles)
        g.add_node(node, kind=kind, label=f"{kind} {i}", types=[f"schema:{kind}"],
                   evidence=[{"article": source, "sentence": f"A sentence about {kind} {i}.", "spans": [[17, 17 + len(f'{kind} {i}')]]}])
        g.add_edge(node, source, key="mentioned_in", relation="mentioned_in", weight=rng.randint(1, 4))
        if rng.random() < 0.3:
            g.add_edge(node, rng.choice(articles), key="mentioned_in", relation="mentioned_in", weight=1)
        entities.append(node)
    for node in entities:
        if node.split("/")[-2] == "event":
            for relation in ("has_actor", "has_place", "instrument"):
                g.add_edge(node, rng.choice(entities), key=relation, relation=relation, weight=1)
        elif rng.random() < 0.2:
            g.add_edge(node, rng.choice(entities), key="affiliation", relation="affiliation", weight=1)
    return g


def measure(sizes: list[int], top: int | None = None) -> list[dict[str, float]]:
    """Render and open one synthetic graph per size; what main() prints, as dicts (also used by run.py)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    top = DEFAULT_TOP if top is None else top
    options = webdriver.ChromeOptions()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--window-size=1400,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["http://*", "https://*", "ws://*", "wss://*"]})
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for n in sizes:
                graph = synthetic(n)
                page = Path(tmp) / f"view-{n}.html"
                start = time.perf_counter()
                write_view(graph, page, top=top)
                render = time.perf_counter() - start
                driver.get(page.as_uri())
                WebDriverWait(driver, 600, poll_frequency=0.05).until(lambda d: d.execute_script("return document.body.dataset.drawn === '1'"))
                drawn = driver.execute_script("return window.kgDrawnAt") / 1000
                shown = driver.execute_script("return kgView.shownCount()")
                toggle = driver.execute_script(
                    "const t0 = performance.now(); document.getElementById('kg-kind-person').click(); "
                    "kgView.network.redraw(); return performance.now() - t0") / 1000
                rows.append({"nodes": n, "edges": graph.number_of_edges(), "render_s": render,
                             "page_mb": page.stat().st_size / 1e6, "drawn_s": drawn, "drawn_nodes": shown,
                             "filter_s": toggle})
    finally:
        driver.quit()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--top", type=int, default=DEFAULT_TOP, help="nodes drawn at first (the page's top-N control)")
    args = parser.parse_args()
    rows = measure(args.sizes, args.top)
    header = ("nodes", "edges", "render s", "page MB", "drawn s", "drawn nodes", "filter s")
    print(" | ".join(header))
    print(" | ".join("-" * len(h) for h in header))
    for r in rows:
        print(f"{r['nodes']:5d} | {r['edges']:5d} | {r['render_s']:8.2f} | {r['page_mb']:7.2f} | {r['drawn_s']:7.2f} | "
              f"{r['drawn_nodes']:11d} | {r['filter_s']:8.2f}")


if __name__ == "__main__":
    main()
