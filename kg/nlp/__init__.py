"""NLP stage: the spaCy pipeline and the rule-based extractors (mentions, roles, statements, events, aid)."""
