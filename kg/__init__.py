"""Event knowledge-graph builder: news articles in, a provenance-rich RDF dataset out.

Stages import in one direction: ingest -> nlp -> resolve -> graph -> export -> cli.
"""

__version__ = "0.1.0"
