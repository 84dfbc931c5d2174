"""Export: the dataset written as RDF dumps, a network view, GraphML and a build report."""
