"""Trusted publishing: CI jobs exchange the OIDC token their platform signs for a short-lived
upload token, when it matches a publisher a project's owners registered."""
