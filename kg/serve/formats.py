"""Content negotiation and SPARQL results formats for `kg serve`, and its offline query page."""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape, quoteattr

from kg.graph.namespaces import PREFIXES

RESULT_TYPES = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values", "application/json")
GRAPH_TYPES = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")
_GRAPH_FORMATS = {"text/turtle": "TURTLE", "application/n-triples": "N_TRIPLES", "application/ld+json": "JSON_LD",
                  "application/rdf+xml": "RDF_XML"}


class StreamFailed(ValueError):
    """The engine's answer broke off with an error after it had begun (it had already sent 200)."""


_RESULT_FORMATS = {"application/sparql-results+json": "JSON", "application/json": "JSON",
                   "application/sparql-results+xml": "XML", "text/csv": "CSV", "text/tab-separated-values": "TSV"}


def solutions_from_tsv(body: bytes, content_type: str, truncated: bool) -> tuple[str, bytes]:
    """The engine's TSV solutions in the format asked for, converted by Oxigraph itself (no Python
    object per row: a capped cross product costs the front server milliseconds, not a second of
    the interpreter that every other request waits on). JSON results cut short say so in the body."""
    import pyoxigraph as ox

    try:
        solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.TSV)
        out = _written(solutions.serialize(format=getattr(ox.QueryResultsFormat, _RESULT_FORMATS[content_type])))
    except (SyntaxError, ValueError) as err:
        raise StreamFailed(_last_line(body) or str(err)) from None
    if content_type.endswith("json"):
        if truncated:  # beside the KG-Result-Truncated header; clients ignore unknown keys
            out = out[:-1] + b',"truncated":true}'
        return "application/sparql-results+json", out
    return content_type + ("; charset=utf-8" if content_type.startswith("text/") else ""), out


def graph_to(ntriples: bytes, content_type: str) -> bytes:
    """The engine's N-Triples in the graph format asked for."""
    import pyoxigraph as ox

    try:
        triples = list(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError as err:
        raise StreamFailed(_last_line(ntriples) or str(err)) from None
    if content_type == "application/n-triples":
        return ntriples
    rdf_format = getattr(ox.RdfFormat, _GRAPH_FORMATS[content_type])
    if content_type == "application/ld+json":
        return _written(ox.serialize(triples, format=rdf_format))
    return _written(ox.serialize(triples, format=rdf_format, prefixes=PREFIXES))


def _written(serialized: bytes | None) -> bytes:
    """What pyoxigraph's serialize returns when given no output to write to: always bytes."""
    if serialized is None:
        raise StreamFailed("the serialiser returned nothing")
    return serialized


def _last_line(body: bytes) -> str:
    lines = body.rstrip(b"\n").rsplit(b"\n", 1)
    return lines[-1].decode("utf-8", "replace")[-300:] if body else ""


def negotiate(accept: str | None, offered: tuple[str, ...]) -> str:
    """The offered type the Accept header prefers (q-values honoured); the first offered by default."""
    if not accept:
        return offered[0]
    best, best_q = offered[0], -1.0
    for position, item in enumerate(accept.split(",")):
        parts = [p.strip() for p in item.split(";")]
        media, q = parts[0].lower(), 1.0
        for p in parts[1:]:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        matches = [o for o in offered if media in (o, "*/*") or (media.endswith("/*") and o.startswith(media[:-1]))]
        if matches and q > best_q:
            best, best_q = matches[0], q
    return best


def _csv_value(term: dict | None) -> str:
    return "" if term is None else term["value"]


def _tsv_value(term: dict | None) -> str:
    if term is None:
        return ""
    value = term["value"]
    if term["type"] == "uri":
        return f"<{value}>"
    if term["type"] == "bnode":
        return f"_:{value}"
    text = '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'
    if "xml:lang" in term:
        return f"{text}@{term['xml:lang']}"
    if "datatype" in term:
        return f"{text}^^<{term['datatype']}>"
    return text


def _xml_term(term: dict) -> str:
    if term["type"] == "uri":
        return f"<uri>{escape(term['value'])}</uri>"
    if term["type"] == "bnode":
        return f"<bnode>{escape(term['value'])}</bnode>"
    attrs = ""
    if "xml:lang" in term:
        attrs = f" xml:lang={quoteattr(term['xml:lang'])}"
    elif "datatype" in term:
        attrs = f" datatype={quoteattr(term['datatype'])}"
    return f"<literal{attrs}>{escape(term['value'])}</literal>"


def solutions_to(results: dict, content_type: str, cap: int, cut: bool = False) -> tuple[str, bytes, bool]:
    """SPARQL JSON results converted to `content_type`, at most `cap` solutions: (type, body, truncated).
    `cut`: the results were already cut short while they streamed."""
    if "boolean" in results:
        if content_type == "application/sparql-results+xml":
            body = ('<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                    f"<boolean>{'true' if results['boolean'] else 'false'}</boolean></sparql>")
            return content_type, body.encode(), False
        return "application/sparql-results+json", json.dumps({"head": {}, "boolean": results["boolean"]}).encode(), False
    variables = results["head"].get("vars", [])
    bindings = results["results"]["bindings"]
    truncated = cut or len(bindings) > cap
    bindings = bindings[:cap]
    if content_type in ("text/csv", "text/tab-separated-values"):
        out = io.StringIO()
        if content_type == "text/csv":
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(variables)
            writer.writerows([_csv_value(b.get(v)) for v in variables] for b in bindings)
        else:
            out.write("\t".join(f"?{v}" for v in variables) + "\n")
            out.writelines("\t".join(_tsv_value(b.get(v)) for v in variables) + "\n" for b in bindings)
        return f"{content_type}; charset=utf-8", out.getvalue().encode(), truncated
    if content_type == "application/sparql-results+xml":
        rows = "".join("<result>" + "".join(f"<binding name={quoteattr(v)}>{_xml_term(b[v])}</binding>"
                                            for v in variables if v in b) + "</result>" for b in bindings)
        head = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
        body = (f'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>{head}</head>'
                f"<results>{rows}</results></sparql>")
        return content_type, body.encode(), truncated
    document: dict[str, object] = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    if truncated:
        document["truncated"] = True  # beside the KG-Result-Truncated header; clients ignore unknown keys
    return "application/sparql-results+json", json.dumps(document, ensure_ascii=False).encode(), truncated


QUERY_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'">
<title>kg — SPARQL</title>
<style>body{font:14px sans-serif;margin:1em}textarea{width:100%;height:12em;font:13px monospace}
table{border-collapse:collapse;margin-top:1em}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
#status{color:#555;margin-left:1em}</style></head>
<body><h1>SPARQL</h1>
<p>Read-only. Prefixes rdf rdfs xsd owl skos prov schema sem oa kgo are predeclared. <a href="/">The view</a>.</p>
<textarea id="q">SELECT ?name ?title WHERE { ?p a schema:Person ; rdfs:label ?name . OPTIONAL { ?p schema:jobTitle ?title } } ORDER BY ?name</textarea>
<p><button id="run">Run</button><span id="status"></span></p>
<div id="out"></div>
<script>
document.getElementById('run').addEventListener('click', async function () {
  var status = document.getElementById('status'), out = document.getElementById('out');
  status.textContent = 'running…'; out.textContent = '';
  var response = await fetch('/sparql', {method: 'POST', headers: {'Content-Type': 'application/sparql-query',
    'Accept': 'application/sparql-results+json'}, body: document.getElementById('q').value});
  if (!response.ok) { status.textContent = response.status + ' ' + await response.text(); return; }
  var truncated = response.headers.get('KG-Result-Truncated') ? ' (truncated: result cap reached)' : '';
  if ((response.headers.get('Content-Type') || '').indexOf('sparql-results+json') < 0) {  // CONSTRUCT, DESCRIBE: Turtle
    var pre = document.createElement('pre'); pre.textContent = await response.text(); out.appendChild(pre);
    status.textContent = 'graph' + truncated; return;
  }
  var data = await response.json();
  if ('boolean' in data) { status.textContent = String(data.boolean); return; }
  var table = document.createElement('table'), head = table.insertRow();
  data.head.vars.forEach(function (v) { var th = document.createElement('th'); th.textContent = v; head.appendChild(th); });
  data.results.bindings.forEach(function (b) { var row = table.insertRow();
    data.head.vars.forEach(function (v) { row.insertCell().textContent = b[v] ? b[v].value : ''; }); });
  out.appendChild(table);
  status.textContent = data.results.bindings.length + ' rows' + (data.truncated ? ' (truncated: result cap reached)' : '');
});
</script></body></html>
"""
