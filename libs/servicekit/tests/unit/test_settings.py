"""The one way secrets are declared and checked: refused in production at their development
default, refused anywhere when too short, named by their environment variable, never echoed."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import AliasChoices, Field, ValidationError
from pydantic_settings import SettingsConfigDict

from servicekit.settings import (
    DEVELOPMENT_SECRET,
    NotSecret,
    Secret,
    SecretSetting,
    ServiceSettings,
    env_name,
    looks_secret,
    secret_fields,
)

REAL = "b7Kq2mX9vR4tLw8zN3pF6hJ1cY5dG0sA"  # 32 characters


class ExampleSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="EXAMPLE_", extra="ignore", populate_by_name=True)

    service_name: str = "example"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/example"
    signing_secret: Secret = "development-only-example-signing-secret"
    partner_key: Annotated[Secret, SecretSetting(min_length=16)] = "development-partner-key"
    sort_key: Annotated[str, NotSecret()] = "name"


def real(**changes: str) -> dict[str, str]:
    return {
        "environment": "production",
        "internal_token_secret": REAL + "-internal",
        "signing_secret": REAL + "-signing",
        "partner_key": REAL + "-partner",
        **changes,
    }


def test_the_secrets_and_their_environment_variables_are_known() -> None:
    assert [(s.env, s.min_length) for s in secret_fields(ExampleSettings)] == [
        ("BACKOFFICE_INTERNAL_TOKEN_SECRET", 32),
        ("EXAMPLE_SIGNING_SECRET", 32),
        ("EXAMPLE_PARTNER_KEY", 16),
    ]
    assert env_name(ExampleSettings, "sort_key") == "EXAMPLE_SORT_KEY"


def test_development_runs_on_the_development_defaults() -> None:
    settings = ExampleSettings()

    assert settings.internal_token_secret == DEVELOPMENT_SECRET
    assert ExampleSettings(environment="test").signing_secret.startswith("development-only")


def test_production_refuses_every_development_default_by_name() -> None:
    with pytest.raises(ValidationError) as refused:
        ExampleSettings(environment="production")

    message = str(refused.value)
    for env in (
        "BACKOFFICE_INTERNAL_TOKEN_SECRET",
        "EXAMPLE_SIGNING_SECRET",
        "EXAMPLE_PARTNER_KEY",
    ):
        assert f"{env} is still its development default" in message


@pytest.mark.parametrize("env_field", ["internal_token_secret", "signing_secret", "partner_key"])
def test_production_refuses_one_development_default_left(env_field: str) -> None:
    default = ExampleSettings.model_fields[env_field].default

    with pytest.raises(ValidationError, match="development default") as refused:
        ExampleSettings.model_validate(real(**{env_field: default}))

    assert env_name(ExampleSettings, env_field) in str(refused.value)


def test_production_starts_with_real_secrets() -> None:
    settings = ExampleSettings.model_validate(real())

    assert settings.signing_secret == REAL + "-signing"


@pytest.mark.parametrize("environment", ["development", "production"])
def test_a_short_secret_is_refused_everywhere_without_showing_it(environment: str) -> None:
    with pytest.raises(ValidationError) as refused:
        ExampleSettings.model_validate(
            real(environment=environment, signing_secret="kort-geheim-1")
        )

    message = str(refused.value)
    assert "EXAMPLE_SIGNING_SECRET must be at least 32 characters" in message
    assert "kort-geheim-1" not in message
    assert REAL not in message, "no other secret is echoed either"


def test_secrets_are_read_from_their_environment_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BACKOFFICE_ENVIRONMENT", "production")
    monkeypatch.setenv("BACKOFFICE_INTERNAL_TOKEN_SECRET", REAL + "-internal")
    monkeypatch.setenv("EXAMPLE_SIGNING_SECRET", REAL + "-signing")
    with pytest.raises(ValidationError, match="EXAMPLE_PARTNER_KEY is still"):
        ExampleSettings()
    monkeypatch.setenv("EXAMPLE_PARTNER_KEY", REAL + "-partner")

    assert ExampleSettings().partner_key == REAL + "-partner"


def test_a_secret_never_appears_in_the_settings_repr() -> None:
    shown = repr(ExampleSettings.model_validate(real()))

    assert REAL not in shown
    assert "sort_key='name'" in shown


@pytest.mark.parametrize(
    "name", ["s3_secret_key", "smtp_password", "api_key", "webhook_secret", "ockto_credentials"]
)
def test_a_secret_not_declared_as_one_fails_when_the_class_is_made(name: str) -> None:
    assert looks_secret(name)
    with pytest.raises(TypeError, match=f"declare {name} as servicekit.settings.Secret"):
        type(
            "CarelessSettings",
            (ServiceSettings,),
            {"__annotations__": {name: str}, name: "development-value-of-some-length-000"},
        )


def test_a_secret_under_an_alias_is_checked_too() -> None:
    class Aliased(ExampleSettings):
        shared_secret: Secret = Field(
            "development-only-shared-secret-00000",
            validation_alias=AliasChoices("shared_secret", "BACKOFFICE_SHARED_SECRET"),
        )

    with pytest.raises(ValidationError, match="BACKOFFICE_SHARED_SECRET is still"):
        Aliased.model_validate(real())


@pytest.mark.parametrize("name", ["hold_lift_seconds", "keyset_size", "tokens_per_second"])
def test_names_that_hold_no_secret_are_left_alone(name: str) -> None:
    assert not looks_secret(name)
