"""Plain data objects shared by every layer (no I/O, no Typer)."""
