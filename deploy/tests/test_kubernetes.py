"""deploy/kubernetes: both overlays render with kustomize, every object validates offline
(built-in kinds with kubernetes-validate, the operators' kinds with their vendored CRD schemas
through check-jsonschema), and the rendered system has the properties production needs."""

from __future__ import annotations

import base64
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import tomllib
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from check_jsonschema import main as check_jsonschema  # type: ignore[import-untyped]
from click.testing import CliRunner
from pydantic_settings import BaseSettings

from servicekit.settings import ServiceSettings, secret_fields

DEPLOY = Path(__file__).resolve().parents[1]
KUBERNETES = DEPLOY / "kubernetes"
SCHEMAS = KUBERNETES / "schemas"
CUSTOM_KINDS = {
    ("keda.sh/v1alpha1", "ScaledObject"): "keda.sh_v1alpha1_scaledobject.json",
    ("keda.sh/v1alpha1", "TriggerAuthentication"): "keda.sh_v1alpha1_triggerauthentication.json",
    ("postgresql.cnpg.io/v1", "Cluster"): "postgresql.cnpg.io_v1_cluster.json",
    ("postgresql.cnpg.io/v1", "ScheduledBackup"): "postgresql.cnpg.io_v1_scheduledbackup.json",
    ("rabbitmq.com/v1beta1", "RabbitmqCluster"): "rabbitmq.com_v1beta1_rabbitmqcluster.json",
    ("external-secrets.io/v1", "ExternalSecret"): "external-secrets.io_v1_externalsecret.json",
}
SERVICES = ("gateway", "intake", "cases", "documents", "assessment", "correspondence")
OVERLAYS = ("local", "production")
NAMESPACE = "gemeentepolis-backoffice"
OPERATOR_SECRETS = {"bus-default-user", *(f"{service}-db-app" for service in SERVICES)}
"""Secrets the operators create (RabbitMQ Cluster Operator, CloudNativePG)."""

Doc = dict[str, Any]


def kustomize(directory: Path) -> subprocess.CompletedProcess[str]:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.fail("kubectl (with its built-in kustomize) is needed to render deploy/kubernetes")
    return subprocess.run(
        [kubectl, "kustomize", str(directory)],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )


def tree_with_local_secrets(into: Path) -> Path:
    """A copy of deploy/kubernetes whose local overlay has its Secrets, written by its script."""
    tree = into / "kubernetes"
    shutil.copytree(KUBERNETES, tree, ignore=shutil.ignore_patterns("secrets"))
    script = tree / "overlays" / "local" / "make_secrets.py"
    subprocess.run([sys.executable, str(script)], check=True, capture_output=True, timeout=60)
    return tree


def schema_check(schema: Path, *instances: Path) -> tuple[int, str]:
    """check-jsonschema's own command, run in this process (a new one costs seconds)."""
    result = CliRunner().invoke(
        check_jsonschema, ["--schemafile", str(schema), *map(str, instances)]
    )
    return result.exit_code, result.output


def documents_of(result: subprocess.CompletedProcess[str]) -> list[Doc]:
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Doc]]:
    tree = tree_with_local_secrets(tmp_path_factory.mktemp("render"))
    return {name: documents_of(kustomize(tree / "overlays" / name)) for name in OVERLAYS}


def of_kind(documents: list[Doc], kind: str) -> list[Doc]:
    return [doc for doc in documents if doc["kind"] == kind]


def named(documents: list[Doc], kind: str, name: str) -> Doc:
    (found,) = [doc for doc in of_kind(documents, kind) if doc["metadata"]["name"] == name]
    return found


def pod_specs(documents: list[Doc]) -> Iterator[tuple[str, Doc]]:
    for doc in documents:
        if doc["kind"] in {"Deployment", "StatefulSet", "Job"}:
            yield f"{doc['kind']}/{doc['metadata']['name']}", doc["spec"]["template"]


def selects(selector: Doc, labels: dict[str, str]) -> bool:
    assert set(selector) <= {"matchLabels"}, "only matchLabels selectors are evaluated here"
    return all(labels.get(key) == value for key, value in selector.get("matchLabels", {}).items())


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_validates_offline(
    rendered: dict[str, list[Doc]], overlay: str, tmp_path: Path
) -> None:
    version = kubernetes_validate.latest_version()
    by_schema: dict[str, list[Path]] = defaultdict(list)
    for number, doc in enumerate(rendered[overlay]):
        schema = CUSTOM_KINDS.get((doc["apiVersion"], doc["kind"]))
        if schema is None:
            kubernetes_validate.validate(doc, version, strict=True)
        else:
            path = tmp_path / f"{number}-{doc['kind']}-{doc['metadata']['name']}.json"
            path.write_text(json.dumps(doc))
            by_schema[schema].append(path)
    for schema, paths in by_schema.items():
        code, output = schema_check(SCHEMAS / schema, *paths)
        assert code == 0, output
    expected = set(CUSTOM_KINDS.values()) - (
        {"external-secrets.io_v1_externalsecret.json", "postgresql.cnpg.io_v1_scheduledbackup.json"}
        if overlay == "local"
        else set()
    )
    assert set(by_schema) == expected


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_lands_in_the_namespace(rendered: dict[str, list[Doc]], overlay: str) -> None:
    for doc in rendered[overlay]:
        if doc["kind"] != "Namespace":
            assert doc["metadata"].get("namespace") == NAMESPACE, (doc["kind"], doc["metadata"])


@pytest.mark.parametrize(
    ("schema", "wrong"),
    [
        (  # a misspelt field of a KEDA trigger and a number where KEDA wants a string
            "keda.sh_v1alpha1_scaledobject.json",
            {
                "apiVersion": "keda.sh/v1alpha1",
                "kind": "ScaledObject",
                "metadata": {"name": "x"},
                "spec": {
                    "scaleTargetRef": {"name": "x"},
                    "triggers": [{"type": "rabbitmq", "metadata": {"value": 400}}],
                    "maxReplicas": 3,
                },
            },
        ),
        (  # `instance` for `instances`: the operator would drop it and run one instance
            "postgresql.cnpg.io_v1_cluster.json",
            {
                "apiVersion": "postgresql.cnpg.io/v1",
                "kind": "Cluster",
                "metadata": {"name": "x"},
                "spec": {"instances": 2, "instance": 3},
            },
        ),
        (
            "rabbitmq.com_v1beta1_rabbitmqcluster.json",
            {
                "apiVersion": "rabbitmq.com/v1beta1",
                "kind": "RabbitmqCluster",
                "metadata": {"name": "x"},
                "spec": {"replicas": "three"},
            },
        ),
        (
            "external-secrets.io_v1_externalsecret.json",
            {
                "apiVersion": "external-secrets.io/v1",
                "kind": "ExternalSecret",
                "metadata": {"name": "x"},
                "spec": {"data": [{"secretKey": "A", "remoteRef": {"property": "a"}}]},
            },
        ),
    ],
)
def test_a_wrong_custom_object_is_refused(schema: str, wrong: Doc, tmp_path: Path) -> None:
    """The schema check is no formality: a typo in an operator's object fails it."""
    path = tmp_path / "wrong.json"
    path.write_text(json.dumps(wrong))
    code, output = schema_check(SCHEMAS / schema, path)
    assert code == 1, output
    assert "Schema validation errors were encountered" in output


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pod_is_probed_limited_and_runs_non_root_read_only(
    rendered: dict[str, list[Doc]], overlay: str
) -> None:
    for where, template in pod_specs(rendered[overlay]):
        pod = template["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, where
        for container in pod["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True, where
            assert context["allowPrivilegeEscalation"] is False, where
            assert context["capabilities"]["drop"] == ["ALL"], where
            resources = container["resources"]
            assert {"cpu", "memory"} <= set(resources["requests"]), where
            assert {"cpu", "memory"} <= set(resources["limits"]), where
            if not where.startswith("Job/"):  # a Job runs to its end: nothing to probe
                assert {"readinessProbe", "livenessProbe"} <= set(container), where


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_workload_has_a_disruption_budget_and_spreads_over_nodes(
    rendered: dict[str, list[Doc]], overlay: str
) -> None:
    documents = rendered[overlay]
    budgets = of_kind(documents, "PodDisruptionBudget")
    workloads = of_kind(documents, "Deployment") + of_kind(documents, "StatefulSet")
    assert {w["metadata"]["name"] for w in workloads} >= {*SERVICES, "minio"}
    for workload in workloads:
        labels = workload["spec"]["template"]["metadata"]["labels"]
        name = workload["metadata"]["name"]
        assert any(selects(budget["spec"]["selector"], labels) for budget in budgets), name
        if name == "mailcatcher":  # local only, one replica
            continue
        spread = workload["spec"]["template"]["spec"]["topologySpreadConstraints"]
        by_node = [s for s in spread if s["topologyKey"] == "kubernetes.io/hostname"]
        assert by_node, name
        assert by_node[0]["whenUnsatisfiable"] == "DoNotSchedule", name
        assert selects(by_node[0]["labelSelector"], labels), name
    # The migrate Jobs carry no label a Service or a budget selects: no traffic goes to them.
    for job in of_kind(documents, "Job"):
        labels = job["spec"]["template"]["metadata"]["labels"]
        assert "app" not in labels, job["metadata"]["name"]


class Policies:
    """Which pods may open a connection to which, under the rendered NetworkPolicies."""

    def __init__(self, documents: list[Doc]) -> None:
        self.policies = of_kind(documents, "NetworkPolicy")

    def admits(
        self, source: dict[str, str], namespace: str, target: dict[str, str], port: int
    ) -> bool:
        applying = [p for p in self.policies if selects(p["spec"]["podSelector"], target)]
        assert applying, f"no policy applies to {target}: the default deny is missing"
        return any(
            self._rule_admits(rule, source, namespace, port)
            for policy in applying
            for rule in policy["spec"].get("ingress", [])
        )

    @staticmethod
    def _rule_admits(rule: Doc, source: dict[str, str], namespace: str, port: int) -> bool:
        ports = rule.get("ports")
        if ports is not None and not any(p["port"] in (port, "http") for p in ports):
            return False
        for peer in rule.get("from", []):
            here = namespace == NAMESPACE
            if "podSelector" in peer and here and selects(peer["podSelector"], source):
                return True
            if "namespaceSelector" in peer:
                wanted = peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
                if wanted == namespace:
                    return True
        return False


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_network_policies_admit_only_the_intended_callers(
    rendered: dict[str, list[Doc]], overlay: str
) -> None:
    documents = rendered[overlay]
    policies = Policies(documents)
    home = NAMESPACE
    labels = {
        d["metadata"]["name"]: d["spec"]["template"]["metadata"]["labels"]
        for d in of_kind(documents, "Deployment")
    }
    jobs = {
        d["metadata"]["name"]: d["spec"]["template"]["metadata"]["labels"]
        for d in of_kind(documents, "Job")
    }
    ports = {name: port for port, name in enumerate(SERVICES, start=8000)}
    # From outside: only the ingress controller, and only to the gateway.
    for name, port in ports.items():
        assert policies.admits({}, "ingress-nginx", labels[name], port) == (name == "gateway")
        assert not policies.admits({"app": "stranger"}, home, labels[name], port)
    # Each database: its own service and that service's migrate Job, never another service.
    for database in SERVICES:
        cluster = {"cnpg.io/cluster": f"{database}-db"}
        for caller in SERVICES:
            allowed = caller == database
            assert policies.admits(labels[caller], home, cluster, 5432) == allowed, (
                caller,
                database,
            )
            assert policies.admits(jobs[f"{caller}-migrate"], home, cluster, 5432) == allowed
        assert not policies.admits({}, "ingress-nginx", cluster, 5432)
    # The services: from the gateway; documents also from correspondence and assessment.
    for target, port in ports.items():
        for caller in SERVICES:
            expected = target != "gateway" and (
                caller == "gateway"
                or (target == "documents" and caller in {"correspondence", "assessment"})
            )
            assert policies.admits(labels[caller], home, labels[target], port) == expected, (
                caller,
                target,
            )
    bus = {"app.kubernetes.io/name": "bus"}
    for caller in SERVICES:
        assert policies.admits(labels[caller], home, bus, 5672)
    assert not policies.admits({}, "ingress-nginx", bus, 5672)
    minio = {"app": "minio"}
    for caller in SERVICES:
        assert policies.admits(labels[caller], home, minio, 9000) == (caller == "documents")
    assert policies.admits(jobs["minio-users"], home, minio, 9000)
    assert not policies.admits(jobs["documents-migrate"], home, minio, 9000)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_minio_root_credentials_stay_with_minio(
    rendered: dict[str, list[Doc]], overlay: str
) -> None:
    """The documents service has a MinIO user of its own; only MinIO and the Job that makes
    that user read the root credentials."""
    readers = set()
    for where, template in pod_specs(rendered[overlay]):
        for container in template["spec"]["containers"]:
            refs = [s.get("secretRef", {}).get("name") for s in container.get("envFrom", [])]
            refs += [
                v.get("valueFrom", {}).get("secretKeyRef", {}).get("name")
                for v in container.get("env", [])
            ]
            if "minio-root" in refs:
                readers.add(where)
    assert readers == {"StatefulSet/minio", "Job/minio-users"}


def secret_names_used(documents: list[Doc]) -> dict[str, set[str]]:
    """Secret name -> the environment variables (or `*` for envFrom) the workloads read from it."""
    used: dict[str, set[str]] = defaultdict(set)
    for _, template in pod_specs(documents):
        for container in template["spec"]["containers"]:
            for source in container.get("envFrom", []):
                if "secretRef" in source:
                    used[source["secretRef"]["name"]].add("*")
            for variable in container.get("env", []):
                ref = variable.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    used[ref["name"]].add(ref["key"])
    for cluster in of_kind(documents, "Cluster"):
        credentials = cluster["spec"].get("backup", {}).get("barmanObjectStore", {})
        for ref in credentials.get("s3Credentials", {}).values():
            used[ref["name"]].add(ref["key"])
    for auth in of_kind(documents, "TriggerAuthentication"):
        for ref in auth["spec"]["secretTargetRef"]:
            used[ref["name"]].add(ref["key"])
    return used


def provided_keys(documents: list[Doc]) -> dict[str, set[str]]:
    """Secret name -> its keys, for the Secrets the overlay makes (generated or external)."""
    provided = {
        s["metadata"]["name"]: set(s.get("data", {})) | set(s.get("stringData", {}))
        for s in of_kind(documents, "Secret")
    }
    for external in of_kind(documents, "ExternalSecret"):
        provided[external["spec"]["target"]["name"]] = {
            item["secretKey"] for item in external["spec"]["data"]
        }
    return provided


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_secret_a_service_declares_reaches_it(
    rendered: dict[str, list[Doc]],
    overlay: str,
    settings_classes: dict[str, list[type[BaseSettings]]],
) -> None:
    """Each `Secret` setting with a development default (refused in production) is set from
    a Secret the overlay provides; every Secret a workload reads exists or an operator makes it."""
    documents = rendered[overlay]
    provided = provided_keys(documents)
    for secret, keys in secret_names_used(documents).items():
        if secret in OPERATOR_SECRETS:
            continue
        assert secret in provided, f"{overlay}: no Secret {secret}"
        assert keys - {"*"} <= provided[secret], (secret, keys - provided[secret])
    for service, classes in settings_classes.items():
        (container,) = [
            c
            for c in named(documents, "Deployment", service)["spec"]["template"]["spec"][
                "containers"
            ]
            if c["name"] == service
        ]
        available = {v["name"] for v in container.get("env", [])}
        for source in container["envFrom"]:
            if "secretRef" in source:
                available |= provided[source["secretRef"]["name"]]
        needed = {
            field.env
            for settings in classes
            for field in secret_fields(settings)
            if field.development_default is not None or overlay == "production"
        }
        assert needed <= available, (service, needed - available)


def test_no_secret_with_data_is_in_the_repository() -> None:
    for path in [*DEPLOY.rglob("*.yaml"), *DEPLOY.rglob("*.yml")]:
        for doc in yaml.safe_load_all(path.read_text()):
            if isinstance(doc, dict) and doc.get("kind") == "Secret":
                assert not doc.get("data"), path
                assert not doc.get("stringData"), path
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", str(KUBERNETES / "overlays" / "local" / "secrets" / "x.env")],
        cwd=DEPLOY,
        check=False,
        timeout=30,
    )
    assert ignored.returncode == 0, "the local overlay's secrets/ must be ignored by git"


def test_the_production_overlay_without_a_secret_fails_naming_it(tmp_path: Path) -> None:
    tree = tmp_path / "kubernetes"
    shutil.copytree(KUBERNETES, tree, ignore=shutil.ignore_patterns("secrets"))
    externals = tree / "overlays" / "production" / "external-secrets.yaml"
    kept = [
        doc
        for doc in yaml.safe_load_all(externals.read_text())
        if doc["metadata"]["name"] != "assessment-secrets"
    ]
    externals.write_text(yaml.safe_dump_all(kept))
    done = kustomize(tree / "overlays" / "production")
    assert done.returncode != 0
    assert "ExternalSecret" in done.stderr
    assert "assessment-secrets" in done.stderr


def test_the_local_overlay_without_a_secret_fails_naming_it(tmp_path: Path) -> None:
    tree = tree_with_local_secrets(tmp_path)
    (tree / "overlays" / "local" / "secrets" / "cases-secrets.env").unlink()
    done = kustomize(tree / "overlays" / "local")
    assert done.returncode != 0
    assert "cases-secrets.env" in done.stderr


def test_production_deploys_the_project_version(rendered: dict[str, list[Doc]]) -> None:
    project = tomllib.loads((DEPLOY.parent / "pyproject.toml").read_text())["project"]["version"]
    images = {
        container["image"]
        for _, template in pod_specs(rendered["production"])
        for container in template["spec"]["containers"]
        if "backoffice" in container["image"]
    }
    assert images == {f"registry.gemeentepolis.example/backoffice:{project}"}


def test_production_runs_replicated_engines(rendered: dict[str, list[Doc]]) -> None:
    documents = rendered["production"]
    (bus,) = of_kind(documents, "RabbitmqCluster")
    assert bus["spec"]["replicas"] == 3
    assert "default_queue_type = quorum" in bus["spec"]["rabbitmq"]["additionalConfig"]
    (budget,) = [
        b
        for b in of_kind(documents, "PodDisruptionBudget")
        if selects(b["spec"]["selector"], {"app.kubernetes.io/name": "bus"})
    ]
    assert budget["spec"]["maxUnavailable"] == 1  # quorum queues keep two of three nodes
    clusters = {c["metadata"]["name"]: c for c in of_kind(documents, "Cluster")}
    assert set(clusters) == {f"{service}-db" for service in SERVICES}
    backups = {b["spec"]["cluster"]["name"] for b in of_kind(documents, "ScheduledBackup")}
    assert backups == set(clusters)
    for name, cluster in clusters.items():
        spec = cluster["spec"]
        assert spec["instances"] >= 2, name  # a primary and at least one standby
        assert spec["affinity"]["podAntiAffinityType"] == "required", name
        assert spec["backup"]["barmanObjectStore"]["destinationPath"].endswith(name[:-3]), name
    assert named(documents, "StatefulSet", "minio")["spec"]["replicas"] == 4


def test_keda_scales_queues_and_the_gateway(rendered: dict[str, list[Doc]]) -> None:
    scaled = {
        s["spec"]["scaleTargetRef"]["name"]: s
        for s in of_kind(rendered["production"], "ScaledObject")
    }
    assert set(scaled) == {"correspondence", "intake", "gateway"}
    queues = {
        name: trigger["metadata"]["queueName"]
        for name, s in scaled.items()
        for trigger in s["spec"]["triggers"]
        if trigger["type"] == "rabbitmq"
    }
    assert queues == {"correspondence": "correspondence.letters", "intake": "intake.website"}
    (cpu,) = scaled["gateway"]["spec"]["triggers"]
    assert cpu["type"] == "cpu"
    assert cpu["metricType"] == "Utilization"
    for name in scaled:  # the autoscaler owns the count: an apply must not reset it
        assert "replicas" not in named(rendered["production"], "Deployment", name)["spec"], name
    deployment = named(rendered["production"], "Deployment", "correspondence")
    containers = {c["name"] for c in deployment["spec"]["template"]["spec"]["containers"]}
    assert containers == {"correspondence", "unoserver"}


def test_the_ingress_serves_the_gateway_and_resident_pages_over_tls(
    rendered: dict[str, list[Doc]],
) -> None:
    (ingress,) = of_kind(rendered["production"], "Ingress")
    rules = {rule["host"]: rule["http"]["paths"] for rule in ingress["spec"]["rules"]}
    (tls,) = ingress["spec"]["tls"]
    assert set(tls["hosts"]) == set(rules)
    assert tls["secretName"]
    resident = next(paths for host, paths in rules.items() if host.startswith("inwoner."))
    assert [p["path"] for p in resident] == ["/inwoner"]
    for paths in rules.values():
        assert {p["backend"]["service"]["name"] for p in paths} == {"gateway"}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_address_in_the_configuration_reaches_a_service(
    rendered: dict[str, list[Doc]], overlay: str
) -> None:
    """A URL like http://documents:8003 in the ConfigMap names a Service with that port, and
    each database URL the host and database of its service's CloudNativePG cluster."""
    documents = rendered[overlay]
    ports = {
        (s["metadata"]["name"], p["port"])
        for s in of_kind(documents, "Service")
        for p in s["spec"]["ports"]
    }
    (config,) = of_kind(documents, "ConfigMap")
    internal = re.compile(r"^https?://([a-z0-9-]+):(\d+)$")
    for key, value in config["data"].items():
        found = internal.match(value)
        if found and found.group(1) != "127.0.0.1":
            assert (found.group(1), int(found.group(2))) in ports, (key, value)
    clusters = {c["metadata"]["name"]: c for c in of_kind(documents, "Cluster")}
    for deployment in of_kind(documents, "Deployment"):
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            for variable in container.get("env", []):
                if not variable["name"].endswith("_DATABASE_URL"):
                    continue
                found = re.search(r"@([a-z0-9-]+)-rw:5432/([a-z_]+)$", variable["value"])
                assert found, variable
                cluster = clusters[found.group(1)]
                assert cluster["spec"]["bootstrap"]["initdb"]["database"] == found.group(2)
                assert found.group(1) == f"{deployment['metadata']['name']}-db"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_variable_reference_is_defined_before_it_is_used(
    rendered: dict[str, list[Doc]], overlay: str
) -> None:
    """Kubernetes leaves `$(NAME)` as it is when NAME is not defined earlier in `env`: the
    service would then get a literal `$(DATABASE_PASSWORD)` in its database URL."""
    for where, template in pod_specs(rendered[overlay]):
        for container in template["spec"]["containers"]:
            defined: set[str] = set()
            for variable in container.get("env", []):
                for name in re.findall(r"\$\(([A-Z0-9_]+)\)", variable.get("value", "")):
                    assert name in defined, (where, variable["name"], name)
                defined.add(variable["name"])


def secret_values(documents: list[Doc]) -> dict[str, dict[str, str]]:
    """The values of every Secret the workloads read: the generated ones as rendered, the
    external ones as the local script would make them, the operators' as they would."""
    spec = importlib.util.spec_from_file_location(
        "make_secrets", KUBERNETES / "overlays" / "local" / "make_secrets.py"
    )
    assert spec is not None
    assert spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    values: dict[str, dict[str, str]] = script.local_secrets()
    values["correspondence-secrets"] |= {
        "CORRESPONDENCE_SMTP_USERNAME": "backoffice",
        "CORRESPONDENCE_SMTP_PASSWORD": "relay-password-from-the-store",
    }
    for secret in of_kind(documents, "Secret"):
        values[secret["metadata"]["name"]] = {
            key: base64.b64decode(value).decode() for key, value in secret["data"].items()
        }
    values["bus-default-user"] = {"username": "default_user_x1", "password": "Generated0pw"}
    for service in SERVICES:
        values[f"{service}-db-app"] = {"username": service, "password": "Generated0pw"}
    return values


def environment_of(
    container: Doc, documents: list[Doc], secrets: dict[str, dict[str, str]]
) -> dict[str, str]:
    """The environment Kubernetes gives this container (envFrom, then env with `$(NAME)`)."""
    maps = {c["metadata"]["name"]: c["data"] for c in of_kind(documents, "ConfigMap")}
    environment: dict[str, str] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            environment |= maps[source["configMapRef"]["name"]]
        else:
            environment |= secrets[source["secretRef"]["name"]]
    for variable in container.get("env", []):
        if "value" in variable:
            environment[variable["name"]] = re.sub(
                r"\$\(([A-Z0-9_]+)\)", lambda m: environment[m.group(1)], variable["value"]
            )
        else:
            ref = variable["valueFrom"]["secretKeyRef"]
            environment[variable["name"]] = secrets[ref["name"]][ref["key"]]
    return environment


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_accepts_its_rendered_environment(
    rendered: dict[str, list[Doc]],
    overlay: str,
    load_settings: Callable[[str, dict[str, str]], list[BaseSettings]],
) -> None:
    """Each service loads its settings from exactly what its pod gets, in production mode:
    nothing it refuses at start (a missing peer URL, plain-text SMTP, a weak secret...)."""
    documents = rendered[overlay]
    secrets = secret_values(documents)
    for service in SERVICES:
        deployment = named(documents, "Deployment", service)
        (container,) = [
            c for c in deployment["spec"]["template"]["spec"]["containers"] if c["name"] == service
        ]
        environment = environment_of(container, documents, secrets)
        assert environment["BACKOFFICE_ENVIRONMENT"] == "production"
        settings = load_settings(service, environment)[0]
        assert isinstance(settings, ServiceSettings)
        assert settings.database_url.startswith(
            f"postgresql+asyncpg://{service}:Generated0pw@{service}-db-rw:"
        )
        assert settings.amqp_url == "amqp://default_user_x1:Generated0pw@bus:5672/"
