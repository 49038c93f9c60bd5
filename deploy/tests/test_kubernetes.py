"""deploy/kubernetes renders with kustomize and every object validates offline: Kubernetes
objects with kubernetes-validate, KEDA's with its CRD schemas (check-jsonschema)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

KUBERNETES = Path(__file__).resolve().parents[1] / "kubernetes"
SCHEMAS = KUBERNETES / "schemas"
KEDA = {
    "ScaledObject": SCHEMAS / "keda.sh_v1alpha1_scaledobject.json",
    "TriggerAuthentication": SCHEMAS / "keda.sh_v1alpha1_triggerauthentication.json",
}


def rendered() -> list[dict]:  # type: ignore[type-arg]
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.fail("kubectl (with its built-in kustomize) is needed to render deploy/kubernetes")
    out = subprocess.run(
        [kubectl, "kustomize", str(KUBERNETES)],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return [doc for doc in yaml.safe_load_all(out.stdout) if doc]


def test_every_object_validates_offline(tmp_path: Path) -> None:
    documents = rendered()
    kinds = {doc["kind"] for doc in documents}
    assert {"Deployment", "Service", "Job", "ScaledObject", "TriggerAuthentication"} <= kinds
    version = kubernetes_validate.latest_version()
    for doc in documents:
        if doc["kind"] in KEDA:
            path = tmp_path / f"{doc['kind']}-{doc['metadata']['name']}.json"
            path.write_text(json.dumps(doc))
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "check_jsonschema",
                    "--schemafile",
                    str(KEDA[doc["kind"]]),
                    str(path),
                ],
                capture_output=True,
                check=False,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0, done.stdout + done.stderr
        else:
            kubernetes_validate.validate(doc, version, strict=True)


def test_correspondence_scales_on_its_work_queue() -> None:
    documents = rendered()
    scaled = next(doc for doc in documents if doc["kind"] == "ScaledObject")
    assert scaled["spec"]["scaleTargetRef"]["name"] == "correspondence"
    (trigger,) = scaled["spec"]["triggers"]
    assert trigger["type"] == "rabbitmq"
    assert trigger["metadata"]["queueName"] == "correspondence.letters"
    deployment = next(
        d
        for d in documents
        if d["kind"] == "Deployment" and d["metadata"]["name"] == "correspondence"
    )
    containers = {c["name"] for c in deployment["spec"]["template"]["spec"]["containers"]}
    assert containers == {"correspondence", "unoserver"}


def test_a_wrong_keda_object_is_refused(tmp_path: Path) -> None:
    """The schema check is no formality: a typo in a ScaledObject fails it."""
    wrong = {
        "apiVersion": "keda.sh/v1alpha1",
        "kind": "ScaledObject",
        "metadata": {"name": "x"},
        "spec": {
            "scaleTargetRef": {"name": "x"},
            "triggers": [{"type": "rabbitmq", "metadata": {"value": 400}}],
            "maxReplicas": 3,
        },
    }
    path = tmp_path / "wrong.json"
    path.write_text(json.dumps(wrong))
    done = subprocess.run(  # noqa: PLW1510 - the exit code is what is checked
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--schemafile",
            str(KEDA["ScaledObject"]),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
