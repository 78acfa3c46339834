"""Readers: rule files, config, and anything else that comes from the user's repository."""
