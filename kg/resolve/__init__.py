"""Resolve stage: mentions to entities across articles (one node per real thing), facts to IRIs."""
