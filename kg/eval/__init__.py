"""`kg eval`: scores of a build against hand-made gold (entities, statements, events, aid)."""
