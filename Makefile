# The two commands a new user needs: `make up` and `make test`. Everything else is for maintainers.
SHELL := /bin/bash
export PATH := $(HOME)/.local/bin:$(PATH)
# `pip install uv` may leave no `uv` on PATH (pyenv without a rehash): fall back to the module.
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)
export UV

TEST_DATABASE_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/postgres
TEST_AMQP_URL ?= amqp://guest:guest@127.0.0.1:5672/
export TEST_DATABASE_URL TEST_AMQP_URL

.PHONY: up test lint format typecheck unit asyncapi bench bench-intake bench-cases bench-documents bench-assessment bench-correspondence install infra migrate

install:
	@deploy/local/ensure-infra.sh
	$(UV) sync --locked

infra:
	@deploy/local/ensure-infra.sh

## Start the whole system with demo data; prints the URL and a demo login. Ctrl-C stops it.
up: install
	@deploy/local/up.sh

## The whole test suite (lint and type checks first), against real PostgreSQL and RabbitMQ.
## The end-to-end tests (`tests/`: one system of processes they share) run in one process while
## the others run on two pytest-xdist workers beside them: the tests mostly wait on databases,
## the broker and processes, so this shares the two cores well (the others at a lower priority:
## the end-to-end tests are the longer part). The end-to-end report follows.
PYTEST_WORKERS ?= 2
test: install lint
	@mkdir -p artifacts; \
	$(UV) run pytest tests --durations=15 > artifacts/e2e-tests.log 2>&1 & e2e=$$!; \
	nice -n 5 $(UV) run pytest -n $(PYTEST_WORKERS) --durations=15 libs services gateway deploy/tests; rest=$$?; \
	wait $$e2e; e2e_rc=$$?; \
	echo "=== end-to-end tests (tests/), run beside the others ==="; \
	cat artifacts/e2e-tests.log; \
	exit $$(( rest != 0 || e2e_rc != 0 ))

lint:
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy libs/contracts/src libs/servicekit/src libs/demodata/src services/intake/src services/cases/src services/documents/src services/assessment/src libs/ockto_simulator/src services/correspondence/src gateway/src
	$(UV) run mypy bench  # apart: its scripts are top-level modules (bench/documents.py)

format:
	$(UV) run ruff check --fix .
	$(UV) run ruff format .

## Regenerate the checked-in AsyncAPI document from the event models.
asyncapi:
	$(UV) run python -m contracts.asyncapi > libs/contracts/asyncapi.json

migrate: install
	$(UV) run python -m intake migrate
	$(UV) run python -m cases migrate
	$(UV) run python -m documents migrate
	$(UV) run python -m assessment migrate
	$(UV) run python -m correspondence migrate
	$(UV) run python -m gateway migrate

bench-intake: install
	$(UV) run python bench/intake_throughput.py

## Overview, search and list latency and export throughput over 1,000,000 cases (~4 minutes).
bench-cases: install
	$(UV) run python bench/cases_queries.py

## The work list (Te doen) and the decision-term filter over 1,000,000 cases (~5 minutes).
bench-worklist: install
	$(UV) run python bench/worklist.py

## Document uploads and downloads through the gateway, against a direct minio client upload.
bench-documents: install
	$(UV) run python bench/documents.py

## The advice alone over 100,000 packages, and 10,000 signed deliveries through the gateway.
bench-assessment: install
	$(UV) run python bench/assessment.py

## Letters rendered and e-mailed with 1 and 2 processes, against a naive WeasyPrint baseline.
bench-correspondence: install
	$(UV) run python bench/correspondence.py

bench: bench-intake bench-cases bench-documents bench-assessment bench-correspondence

.PHONY: bench-faults bench-soak
## Each fault mid-stream (database connections cut, SIGKILL per service, a TCP fault proxy; the broker's stop_app only with BENCH_BROKER_IS_OURS=1): lost, duplicated, time to recover.
bench-faults: install
	$(UV) run python bench/faults.py

## Ten minutes of mixed load: p95 per route, RSS per process and errors per minute.
bench-soak: install
	$(UV) run python bench/soak.py
