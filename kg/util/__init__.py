"""Small helpers shared by every stage: IRI-safe slugs, pausing the cycle collector."""
