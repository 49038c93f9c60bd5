"""deploy/monitoring: the alert rules pass `promtool check rules` and their unit tests, the
dashboard's queries parse, and both use only metrics that servicekit exports.

promtool comes from Debian's `prometheus` package; without it these tests fail, never skip.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import REGISTRY
from prometheus_client.metrics import MetricWrapperBase

import servicekit.metrics

ROOT = Path(__file__).resolve().parents[4]
MONITORING = ROOT / "deploy" / "monitoring"
RUNBOOK = ROOT / "docs" / "runbook.md"
OUR_METRIC = re.compile(
    r"\b((?:outbox|inbox|bus|http_request|campaign|servicekit)_[a-z0-9_]+)\b(?!\s*\()"
)
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("promtool")
    if executable is None:
        pytest.fail("promtool is missing: apt-get install prometheus (Debian)")
    return subprocess.run(
        [executable, *args], capture_output=True, text=True, timeout=120, check=False
    )


def alert_rules() -> list[dict[str, Any]]:
    document = yaml.safe_load((MONITORING / "alerts.yaml").read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


def dashboard_queries() -> list[str]:
    dashboard = json.loads((MONITORING / "dashboard.json").read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]


def exported_names() -> set[str]:
    names = set()
    for family in REGISTRY.collect():
        for suffix in SUFFIXES.get(family.type, ("",)):
            names.add(family.name + suffix)
    return names


def test_alert_rules_are_valid() -> None:
    result = promtool("check", "rules", str(MONITORING / "alerts.yaml"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_each_alert_fires_when_it_should_and_only_then() -> None:
    result = promtool("test", "rules", str(MONITORING / "alerts.test.yaml"))
    assert result.returncode == 0, result.stdout + result.stderr
    tested = set(re.findall(r"alertname: (\w+)", (MONITORING / "alerts.test.yaml").read_text()))
    assert tested == {rule["alert"] for rule in alert_rules()}, "every alert has a unit test"


def test_dashboard_queries_parse(tmp_path: Path) -> None:
    """Grafana's variables replaced as Grafana would, each query checked as a recording rule."""
    queries = [
        query.replace("$__rate_interval", "5m").replace("$service", ".*")
        for query in dashboard_queries()
    ]
    rules = {
        "groups": [
            {
                "name": "dashboard",
                "rules": [
                    {"record": f"dashboard:query{i}", "expr": query}
                    for i, query in enumerate(queries)
                ],
            }
        ]
    }
    file = tmp_path / "dashboard-queries.yaml"
    file.write_text(yaml.safe_dump(rules))
    result = promtool("check", "rules", str(file))
    assert result.returncode == 0, result.stdout + result.stderr


def test_alerts_and_dashboard_use_only_metrics_servicekit_exports() -> None:
    used = {
        name
        for expression in [*(rule["expr"] for rule in alert_rules()), *dashboard_queries()]
        for name in OUR_METRIC.findall(expression)
    }
    assert used, "the pattern finds the metric names"
    assert used - exported_names() == set()


def label_names() -> dict[str, set[str]]:
    """Each exported sample name with the labels servicekit gives it (`le` for buckets)."""
    names: dict[str, set[str]] = {}
    for value in vars(servicekit.metrics).values():
        if isinstance(value, MetricWrapperBase):
            family = next(iter(value.describe()))
            for suffix in SUFFIXES[family.type]:
                extra = {"le"} if suffix == "_bucket" else set()
                names[family.name + suffix] = set(value._labelnames) | extra
    return names


def test_every_grouping_uses_labels_its_metrics_have() -> None:
    """`sum by (job)` over a metric without `job` silently merges every service into one."""
    labels = label_names()
    for expression in [*(rule["expr"] for rule in alert_rules()), *dashboard_queries()]:
        used = set(OUR_METRIC.findall(expression))
        # `instance` Prometheus adds to every target; `job` depends on the scrape configuration.
        available = set.union({"instance"}, *(labels[name] for name in used))
        for grouping in re.findall(r"\bby \(([^)]*)\)", expression):
            grouped = {label.strip() for label in grouping.split(",")}
            if used:
                assert grouped <= available, (expression, grouped - available)


def test_the_dashboard_shows_what_operators_asked_for() -> None:
    queries = " ".join(dashboard_queries())
    for metric in (
        "outbox_published_total",  # events out
        "bus_events_received_total",  # events in
        "outbox_oldest_unsent_age_seconds",
        "inbox_messages",
        "bus_parked_messages",
        "bus_consumer_unacked_messages",  # prefetch in use
        "http_request_duration_seconds_bucket",  # latency by route
        "campaign_letters_sent_total",
    ):
        assert metric in queries, metric


def test_every_alert_has_a_runbook_section() -> None:
    anchors = {
        "#" + re.sub(r"[^a-z0-9-]", "", line.lstrip("#").strip().lower().replace(" ", "-"))
        for line in RUNBOOK.read_text().splitlines()
        if line.startswith("## ")
    }
    for rule in alert_rules():
        url = rule["annotations"]["runbook_url"]
        assert url.startswith("docs/runbook.md#"), url
        assert url.removeprefix("docs/runbook.md") in anchors, rule["alert"]
