"""Open a build folder or a store, query it with SPARQL, validate it against the shapes."""
