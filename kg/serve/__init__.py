"""`kg serve`: the read-only SPARQL endpoint in front of Oxigraph engine processes."""
