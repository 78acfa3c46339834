"""Rule test cases and backtests on the local engine (issue 4).

`cases` reads the case files beside a rule, `data` loads their rows into a
LocalWorkspace, `runner` runs a rule over its cases with one translation,
`matching`/`diff` judge the results, `junit` writes CI reports, and
`schedule`/`backtest` replay a rule's schedule over a data set.
"""
