"""Graph stage: resolved articles to RDF quads (one named graph per article) with evidence."""
