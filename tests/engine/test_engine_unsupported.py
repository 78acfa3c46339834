"""A construct the local engine lacks is named as the user wrote it, without engine internals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sentinel_deploy.engine import LocalWorkspace
from sentinel_deploy.objects.query_result import LOCAL_ENGINE_UNSUPPORTED, QueryFailed

NOW = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(("query", "construct"), [
    ("Events\n| evaluate bag_unpack(Props)", "evaluate bag_unpack"),
    ("Events | evaluate  hint.distribution = per_node  pivot(Computer)", "evaluate pivot"),
    ("Events | make-series count() default=0 on TimeGenerated step 1h", "make-series"),
    ("Events | extend Cell = geo_point_to_s2cell(1.5, 2.5)", "geo_point_to_s2cell()"),
])
def test_unsupported_construct_is_named_plainly(ws: LocalWorkspace, query: str,
                                                construct: str) -> None:
    with pytest.raises(QueryFailed) as failed:
        ws.run(query, now=NOW)
    assert failed.value.code == LOCAL_ENGINE_UNSUPPORTED
    assert failed.value.message == f"the local engine cannot run this query ({construct})"


def test_a_query_error_is_not_called_unsupported(ws: LocalWorkspace) -> None:
    with pytest.raises(QueryFailed) as failed:
        ws.run("Events | where NoSuchColumn == 1", now=NOW)
    assert failed.value.code == "SemanticError"
