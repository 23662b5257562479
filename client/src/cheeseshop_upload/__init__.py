"""Uploads distributions to a cheeseshop index through upload sessions (PEP 694's shape)."""

__version__ = "1.0.0"
