"""The query library: SPARQL queries over a build (`kg query OUT --named NAME`)."""
