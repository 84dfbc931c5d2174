"""Small helpers shared by every stage: IRI-safe slugs, pausing the cycle collector, a network-less sandbox for queries."""
