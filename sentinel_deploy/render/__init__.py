"""Rule templating (Jinja, sandboxed) and API body rendering (templates/)."""
