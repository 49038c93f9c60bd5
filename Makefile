# The two commands a new user needs: `make up` and `make test`. Everything else is for maintainers.
SHELL := /bin/bash
export PATH := $(HOME)/.local/bin:$(PATH)

TEST_DATABASE_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/postgres
TEST_AMQP_URL ?= amqp://guest:guest@127.0.0.1:5672/
export TEST_DATABASE_URL TEST_AMQP_URL

.PHONY: up test lint format typecheck unit asyncapi bench bench-intake install infra migrate

install:
	@deploy/local/ensure-infra.sh
	uv sync --locked

infra:
	@deploy/local/ensure-infra.sh

## Start the whole system with demo data; prints the URL and a demo login. Ctrl-C stops it.
up: install
	@deploy/local/up.sh

## The whole test suite (lint and type checks first), against real PostgreSQL and RabbitMQ.
test: install lint
	uv run pytest

lint:
	uv run ruff check .
	uv run ruff format --check .
	uv run mypy libs/contracts/src libs/servicekit/src libs/demodata/src services/intake/src services/cases/src gateway/src

format:
	uv run ruff check --fix .
	uv run ruff format .

## Regenerate the checked-in AsyncAPI document from the event models.
asyncapi:
	uv run python -m contracts.asyncapi > libs/contracts/asyncapi.json

migrate: install
	uv run python -m intake migrate
	uv run python -m cases migrate
	uv run python -m gateway migrate

bench-intake: install
	uv run python bench/intake_throughput.py

bench: bench-intake
