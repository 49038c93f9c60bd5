"""deploy/Dockerfile: multi-stage, slim, and its user is the one Kubernetes and Compose run."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[1]
DOCKERFILE = (DEPLOY / "Dockerfile").read_text()


def instructions(name: str) -> list[str]:
    return re.findall(rf"^{name}\s+(.+)$", DOCKERFILE, flags=re.MULTILINE)


def test_the_image_is_built_in_stages_on_a_slim_base() -> None:
    bases = instructions("FROM")
    assert len(bases) >= 2
    assert all("-slim" in base for base in bases)
    assert any("--from=build" in line for line in instructions("COPY"))
    # Only the runtime stage's packages, never the build tools, reach the image.
    runtime = DOCKERFILE.rsplit("\nFROM ", 1)[1]
    assert "uv sync" not in runtime


def test_the_image_user_is_the_one_the_deployments_run_as() -> None:
    (user,) = instructions("USER")
    uid = user.split(":")[0]
    assert uid != "0"
    compose = yaml.safe_load((DEPLOY / "compose" / "compose.yaml").read_text())
    assert compose["x-app"]["user"].split(":")[0] == uid
    for path in (DEPLOY / "kubernetes" / "base").glob("*.yaml"):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc["kind"] in {"Deployment", "Job"}:
                pod = doc["spec"]["template"]["spec"]
                if pod["containers"][0]["image"] != "gemeentepolis-backoffice":
                    continue  # MinIO's own client
                assert str(pod["securityContext"]["runAsUser"]) == uid, path
