"""One module per verb. Actions take plain arguments and return results; no Typer here."""
