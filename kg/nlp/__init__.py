"""NLP stage: the spaCy pipeline and the rule-based extractors (mentions, roles, statements, events, aid),
registered as spaCy components in `kg.nlp.components`, with their word lists in `kg.nlp.lexicon`."""
