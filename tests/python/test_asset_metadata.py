"""What the Dagster UI shows about each asset and check: owners, layer / domain tags, and a
description on every asset check (dbt tests included, whose yml rarely describes them)."""

from __future__ import annotations

import dagster as dg

from revops.assets.check_descriptions import dbt_test_description
from revops.assets.ownership import owners, tags


def _graph() -> dg.Definitions:
    from revops.definitions import defs

    return defs.resolve_asset_graph()


def test_every_asset_check_has_a_description() -> None:
    graph = _graph()
    keys = graph.asset_check_keys
    assert len(keys) > 700  # the dbt tests, the GX suites and the rejected-file checks
    missing = [k for k in keys if not (graph.get_check_spec(k).description or "").strip()]
    assert missing == []


def test_every_asset_has_owners_and_layer_and_domain_tags() -> None:
    graph = _graph()
    nodes = [graph.get(k) for k in graph.get_all_asset_keys()]  # the loader's tables too
    assert len(nodes) > 100
    for node in nodes:
        assert node.owners, node.key
        assert {"layer", "domain"} <= set(node.tags), node.key


def test_owners_and_tags_follow_layer_and_domain() -> None:
    graph = _graph()

    def of(key: str) -> tuple[list[str], str, str]:
        node = graph.get(dg.AssetKey.from_user_string(key))
        return list(node.owners), node.tags["layer"], node.tags["domain"]

    platform, analytics = ["team:data-platform"], ["team:revops-analytics"]
    assert of("raw_crm/opportunity") == (platform, "raw", "crm")
    assert of("staging/stg_billing__invoices") == (platform, "staging", "billing")
    assert of("marts/mart_revenue_monthly") == (analytics, "marts", "revenue")
    assert of("marts/mart_sales_rep_weekly") == (analytics, "marts", "sales")
    assert of("marts/dq_source_freshness") == (platform, "marts", "dq")
    assert of("seeds/fx_rates") == (platform, "seeds", "reference")
    assert of("published_warehouse") == (platform, "publish", "marts")
    # the scheme other assets (a page read from the marts) call
    assert owners("page", "scorecard") == analytics
    assert tags("page", "scorecard") == {"layer": "page", "domain": "scorecard"}


# --- generated descriptions, on a hand-written manifest fragment ---------------------------------

MANIFEST = {
    "nodes": {
        "model.revops.fct_x": {
            "columns": {
                "amount": {"description": "Booked amount,\n  in USD."},
                "status": {"description": ""},
            }
        }
    },
    "macros": {
        "macro.revops.test_accepted_range": {
            "description": "Fails on non-null values outside [min_value, max_value]."
        }
    },
}


def _generic(name: str, column: str, severity: str = "ERROR", **kwargs: object) -> dict:
    return {
        "name": f"{name}_fct_x_{column}",
        "description": "",
        "meta": {},
        "config": {"severity": severity, "meta": {}},
        "attached_node": "model.revops.fct_x",
        "column_name": column,
        "test_metadata": {
            "name": name,
            "namespace": None,
            "kwargs": {"column_name": column, "model": "{{ ref('fct_x') }}", **kwargs},
        },
    }


def test_a_builtin_test_is_described_with_its_column_description() -> None:
    assert dbt_test_description(MANIFEST, _generic("not_null", "amount")) == (
        "`amount` is never null. Severity error: a failure blocks what is downstream. "
        "Column `amount`: Booked amount, in USD."
    )


def test_a_project_test_is_described_by_its_macro_and_arguments() -> None:
    test = _generic("accepted_range", "amount", severity="warn", min_value=0)
    assert dbt_test_description(MANIFEST, test) == (
        "accepted_range on `amount`: Fails on non-null values outside [min_value, "
        "max_value] (min_value=0). Severity warn: recorded, never blocks. "
        "Column `amount`: Booked amount, in USD."
    )


def test_a_column_without_description_and_a_relationship() -> None:
    test = _generic("relationships", "status", to="{{ ref('dim_y') }}", field="status_id")
    assert dbt_test_description(MANIFEST, test) == (
        "every `status` exists in its parent (to=dim_y, field=status_id). "
        "Severity error: a failure blocks what is downstream."
    )


def test_the_yml_description_wins() -> None:
    test = {**_generic("unique", "amount"), "description": "One row per deal."}
    assert dbt_test_description(MANIFEST, test) == "One row per deal."
    test = {**_generic("unique", "amount"), "meta": {"description": "From meta."}}
    assert dbt_test_description(MANIFEST, test) == "From meta."


def test_a_singular_test_is_described_by_its_opening_comment() -> None:
    test = {
        "name": "assert_x",
        "original_file_path": "tests/singular/assert_x.sql",
        "raw_code": "{#- Bookings reconcile\n    to deals. -#}\nselect 1 where false",
        "test_metadata": None,
    }
    assert dbt_test_description(MANIFEST, test) == (
        "Singular dbt test (tests/singular/assert_x.sql): Bookings reconcile to deals."
    )
    bare = {**test, "raw_code": "select 1 where false"}
    assert dbt_test_description(MANIFEST, bare).endswith("fails on every row its query returns")
