"""graph.html: self-contained, deterministic, safe with hostile text, and working in a real Chromium.

The browser tests run headless Chromium (Debian `chromium` + `chromium-driver`, installed by
scripts/install-system-deps.sh) with every http(s)/ws request blocked through DevTools, and read
the performance log to assert that no request was even attempted. They are skipped when Chromium
is missing, except in CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from kg.export.network import KINDS, load_dataset, to_networkx
from kg.export.view import COLOURS, SHAPES, render_view, view_data, write_view
from kg.graph.namespaces import KGO, OA, SCHEMA

ROOT = Path(__file__).resolve().parents[1]
CHROMEDRIVER = "/usr/bin/chromedriver"
PWN = "window.__pwned=1"
HOSTILE = [
    f"<script>{PWN}</script>",
    f'<img src=x onerror="{PWN}">',
    f'<a href="javascript:{PWN}">href</a>',
    f"</script><script>{PWN}</script>",
    f"<!--<script>{PWN}</script>-->",
    f'"><svg onload="{PWN}">',
    "{{DATA}} {{APP_JS}} \u2028 ]]>",
]


def hostile_graph() -> nx.MultiDiGraph:
    """Hostile ids, labels, attributes, evidence, relations and headlines, built by hand."""
    g = nx.MultiDiGraph()
    article = f'art"><img src=x onerror="{PWN}">'
    g.add_node(article, kind="article", label=HOSTILE[4], types=["schema:NewsArticle"], date_published="2026-03-11")
    for i, text in enumerate(HOSTILE):
        node = f"id-{i}-{text}"
        sentence = f"Before {text} after."
        g.add_node(node, kind=["person", "event", "statement", "<img src=x onerror=x>"][i % 4], label=text, types=[text],
                   alt_labels=[text], note=text, amount={"value": text, "currency": "<b>"},
                   evidence=[{"article": article, "sentence": sentence, "spans": [[7, 7 + len(text)]]}])
        g.add_edge(node, article, key="mentioned_in", relation="mentioned_in", weight=1)
        g.add_edge(node, f"id-{(i + 1) % len(HOSTILE)}-{HOSTILE[(i + 1) % len(HOSTILE)]}", key=text, relation=text, weight=2)
    return g


def hostile_dataset() -> Dataset:
    """The same kind of strings going through the RDF projection."""
    ds = Dataset()
    graph = ds.graph(URIRef("https://example.org/graph/a"))
    art, person = URIRef("https://example.org/article/a"), URIRef("https://example.org/person/x%3Cscript%3E")
    body = f"Said {HOSTILE[1]} in {HOSTILE[0]}."
    graph.add((art, RDF.type, SCHEMA.NewsArticle))
    graph.add((art, SCHEMA.headline, Literal(HOSTILE[3])))
    graph.add((art, SCHEMA.articleBody, Literal(body)))
    graph.add((art, SCHEMA.datePublished, Literal("2026-03-11", datatype=XSD.date)))
    graph.add((person, RDF.type, SCHEMA.Person))
    graph.add((person, RDF.type, KGO.Entity))
    graph.add((person, RDFS.label, Literal(HOSTILE[1])))
    graph.add((person, SKOS.altLabel, Literal(HOSTILE[2])))
    graph.add((person, SCHEMA.jobTitle, Literal(HOSTILE[5])))
    ann, target, sel = (URIRef(f"https://example.org/ann/1{s}") for s in ("", "/t", "/p"))
    graph.add((ann, RDF.type, OA.Annotation))
    graph.add((ann, OA.hasBody, person))
    graph.add((ann, OA.hasTarget, target))
    graph.add((target, OA.hasSource, art))
    graph.add((target, OA.hasSelector, sel))
    graph.add((sel, OA.start, Literal(5)))
    graph.add((sel, OA.end, Literal(5 + len(HOSTILE[1]))))
    graph.add((ann, KGO.sentenceStart, Literal(0)))
    graph.add((ann, KGO.sentenceEnd, Literal(len(body))))
    return ds


def test_every_kind_has_a_colour_and_a_shape():
    assert set(COLOURS) == set(SHAPES) == set(KINDS)


def test_page_is_a_pyvis_network_rendered_through_its_template():
    from pyvis.network import Network

    from kg.export.pyvis_net import render_network, view_network

    graph = hostile_graph()
    net = view_network(graph, "t")
    assert isinstance(net, Network) and net.directed and net.path == "template.html"
    assert len(net.nodes) == graph.number_of_nodes() and len(net.edges) == graph.number_of_edges()
    assert {n["name"] for n in net.nodes} >= set(HOSTILE)
    page = render_network(net)
    data = json.loads(re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.DOTALL).group(1))
    assert data["nodes"] == json.loads(json.dumps(net.nodes)) and data["options"] == net.options
    assert page == render_view(graph, "t")


def test_page_is_self_contained_and_escapes_everything():
    page = render_view(hostile_graph(), title=HOSTILE[0])
    assert not re.search(r"<(script|link|img|iframe)[^>]*\s(src|href)=", page, re.IGNORECASE)
    assert "sourceMappingURL" not in page
    assert page.count("<script") == 3 and page.lower().count("</script") == 3
    assert "<title>&lt;script&gt;" in page
    data_text = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.DOTALL).group(1)
    assert "<" not in data_text and ">" not in data_text
    data = json.loads(data_text)
    assert {n["name"] for n in data["nodes"]} >= set(HOSTILE)
    assert "script-src 'sha256-" in page and "default-src 'none'" in page


def test_page_is_deterministic(sample_out):
    graph = to_networkx(load_dataset(sample_out))
    assert render_view(graph) == render_view(to_networkx(load_dataset(sample_out)))
    assert (sample_out / "graph.html").read_text(encoding="utf-8") == render_view(graph)


def test_big_graphs_get_positions_and_no_physics():
    graph = nx.MultiDiGraph()
    for i in range(400):
        graph.add_node(f"n{i}", kind="person", label=f"n{i}")
        graph.add_edge(f"n{i}", f"n{(i * 7 + 1) % 400}", key="knows", relation="knows")
    data = view_data(graph, top=100)
    assert data["meta"]["view"]["physics"] is False and data["meta"]["view"]["top"] == 100
    assert data["options"]["physics"] == {"enabled": False} and data["options"]["edges"]["smooth"] is False
    assert all("x" in n and "y" in n for n in data["nodes"])
    assert view_data(graph, top=100) == data


def test_page_is_the_same_whatever_the_hash_seed():
    script = (
        "import hashlib, networkx as nx\n"
        "from kg.export.view import render_view\n"
        "g = nx.MultiDiGraph()\n"
        "for i in range(600):\n"
        "    g.add_node(f'n{i}', kind=('person', 'place', 'article')[i % 3], label=f'n{i}', types=['t'], tags={f't{i % 5}', 'x'})\n"
        "    g.add_edge(f'n{i}', f'n{(i * 7 + 1) % 600}', key='r', relation='r')\n"
        "    g.add_edge(f'n{i}', f'n{(i * 13 + 5) % 600}', key='s', relation='s')\n"
        "print(hashlib.sha256(render_view(g).encode()).hexdigest())\n")
    digests = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(digests) == 1


# ---------------------------------------------------------------- in Chromium

@pytest.fixture(scope="module")
def browser():
    if not (shutil.which("chromium") and os.path.exists(CHROMEDRIVER)):
        if os.environ.get("CI"):
            pytest.fail("chromium/chromium-driver missing: run scripts/install-system-deps.sh")
        pytest.skip("chromium and chromium-driver are not installed (scripts/install-system-deps.sh)")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--window-size=1400,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["http://*", "https://*", "ws://*", "wss://*", "ftp://*"]})
    yield driver
    driver.quit()


def open_page(driver, path: Path, timeout: float = 30.0) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get_log("performance"), driver.get_log("browser")  # drop what earlier pages left
    driver.get(path.resolve().as_uri())
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script("return document.body.dataset.drawn === '1'"))


def check_offline_and_clean(driver) -> None:
    requests = [json.loads(e["message"])["message"] for e in driver.get_log("performance")]
    urls = {m["params"]["request"]["url"] for m in requests if m["method"] == "Network.requestWillBeSent"}
    assert all(u.startswith(("file:", "data:")) for u in urls), sorted(urls)
    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe


def test_sample_view_in_chromium(browser, sample_out, tmp_path):
    graph = to_networkx(load_dataset(sample_out))
    open_page(browser, sample_out / "graph.html")
    js = browser.execute_script
    assert js("return document.querySelectorAll('#kg-network canvas').length") == 1
    statements = {n for n, d in graph.nodes(data=True) if d["kind"] == "statement"}
    drawn = graph.subgraph(set(graph) - statements)  # statements are not nodes until their box is ticked
    assert statements and js("return Object.keys(kgView.network.getPositions()).length") == drawn.number_of_nodes()
    assert js("return kgView.edges.length") == drawn.number_of_edges()
    # search, then the panel: labels, types, evidence with the mention highlighted and its article
    found = js("return kgView.search('zelensky')")
    assert found, "search found nothing"
    js("kgView.select(arguments[0])", found[0])
    panel = browser.find_element("id", "kg-panel-body")
    assert "Volodymyr Zelensky" in panel.text and "schema:Person" in panel.text
    marks = [m.text for m in panel.find_elements("tag name", "mark")]
    assert "Volodymyr Zelensky" in marks
    assert "Pentagon announces" in panel.find_element("class name", "kg-source").text
    js("kgView.network.fit({animation: false})")
    shot = tmp_path / "view.png"
    browser.save_screenshot(str(shot))
    target = ROOT / "docs" / "view.png"
    if not target.exists() or os.environ.get("KG_UPDATE_SCREENSHOT"):
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, target)
    # filters: by type, by source article, by date, top-N
    total = drawn.number_of_nodes()
    persons = sum(1 for _, d in graph.nodes(data=True) if d["kind"] == "person")
    js("kgView.state.pinned.clear(); kgView.apply()")
    browser.find_element("id", "kg-kind-person").click()
    assert js("return kgView.shownCount()") == total - persons
    browser.find_element("id", "kg-reset").click()
    assert js("return kgView.shownCount()") == total
    js("const s = document.getElementById('kg-sources'); s.options[0].selected = true; s.dispatchEvent(new Event('change'))")
    by_source = js("return kgView.shownCount()")
    assert 1 < by_source < total
    browser.find_element("id", "kg-reset").click()
    js("const f = document.getElementById('kg-date-from'); f.value = '2026-03-12'; f.dispatchEvent(new Event('change'))")
    assert 1 < js("return kgView.shownCount()") < total
    browser.find_element("id", "kg-reset").click()
    js("const t = document.getElementById('kg-top'); t.value = '5'; t.dispatchEvent(new Event('change'))")
    assert js("return kgView.shownCount()") == 5
    assert _all_on_screen(browser), "the view did not re-fit after top-N"
    # the toggle: statements as nodes, then back; their words are in their speaker's panel meanwhile
    browser.find_element("id", "kg-reset").click()
    browser.find_element("id", "kg-kind-statement").click()
    assert js("return kgView.shownCount()") == graph.number_of_nodes()
    assert js("return document.getElementById('kg-stats').textContent").startswith(f"{graph.number_of_nodes()} of ")
    assert _all_on_screen(browser), "the view did not re-fit after a filter"
    browser.find_element("id", "kg-reset").click()
    assert js("return kgView.shownCount()") == total
    speaker = next(u for u, v, d in graph.edges(data=True) if v in statements or u in statements)
    js("kgView.show(arguments[0])", js("return kgView.data.nodes.findIndex(n => n.iri === arguments[0])", speaker))
    assert "speaker" in panel.text or "creator" in panel.text or "about" in panel.text
    # the fit button, after the user zoomed far in
    js("kgView.network.moveTo({scale: 8})")
    assert not _all_on_screen(browser)
    browser.find_element("id", "kg-fit").click()
    assert _all_on_screen(browser)
    assert js("return kgView.network.body.nodes[Object.keys(kgView.network.getPositions())[0]].options.font.size") >= 14
    check_offline_and_clean(browser)


def _all_on_screen(driver) -> bool:
    """Every drawn node lies inside the canvas."""
    return driver.execute_script("""
        const net = kgView.network, canvas = document.querySelector('#kg-network canvas').getBoundingClientRect();
        return Object.values(net.getPositions()).every(p => {
            const d = net.canvasToDOM(p); return d.x >= 0 && d.y >= 0 && d.x <= canvas.width && d.y <= canvas.height; });""")


@pytest.mark.parametrize("source", ["networkx", "rdf"])
def test_hostile_text_never_runs(browser, tmp_path, source):
    graph = hostile_graph() if source == "networkx" else to_networkx(hostile_dataset())
    page = tmp_path / "hostile.html"
    write_view(graph, page, title=HOSTILE[3])
    open_page(browser, page)
    js = browser.execute_script
    assert js("return document.title") == HOSTILE[3]
    count = js("return kgView.data.nodes.length")
    assert count == graph.number_of_nodes()
    for i in range(count):
        js("kgView.show(arguments[0])", i)
        panel = js("return document.getElementById('kg-panel-body').textContent")
        assert graph.nodes[js("return kgView.data.nodes[arguments[0]].iri", i)]["label"] in panel
    js("kgView.search('<img')")
    js("kgView.network.selectNodes([0]); kgView.network.emit('click', {nodes: [0], edges: []})")
    assert js("return typeof window.__pwned") == "undefined"
    assert js("return document.images.length + document.querySelectorAll('svg, iframe, a[href]').length") == 0
    assert js("return document.scripts.length") == 3
    check_offline_and_clean(browser)
