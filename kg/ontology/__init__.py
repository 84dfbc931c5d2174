"""The vocabulary (kg.ttl), the SHACL shapes (shapes.ttl) and the JSON-LD context, shipped with kg."""
