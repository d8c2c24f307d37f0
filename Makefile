# Push-In: `make run` starts the app on a demo district; `make test` runs every check.
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1:8000
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: run serve test lint unit bench bench-load chromium demo

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

## Install, migrate, load the small demo district, print the logins, serve with two task
## workers: one for e-mail and other short work, one for solver runs (plans, makeups); each
## recovers work a dead worker left behind (`manage.py worker`, pushin/leases.py).
run: $(VENV)/.installed
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --size small --url http://$(HOST)/
	$(PY) manage.py worker --interval 0.5 --queue-name default & mail=$$!; \
	  $(PY) manage.py worker --interval 0.5 --queue-name solver & solver=$$!; \
	  trap 'kill $$mail $$solver 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST)

## Run it for real (docs/deployment.md): production settings from the environment
## (SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL=postgres://...), then `manage.py serve`:
## migrate, collect static files, gunicorn with several workers on PUSHIN_BIND (default
## 127.0.0.1:8000) and one task worker per queue (default, solver); Ctrl-C stops them all.
serve: $(VENV)/.installed
	PUSHIN_ENV=production $(PY) manage.py serve

## Lint, types, then the whole suite on SQLite and again on PostgreSQL. The browser flows
## (pages, not queries) run once, on SQLite, as do the tests that use no database (pure
## scheduling, parsing, settings: the same answer on both; tests/conftest.py). Each worker
## takes a contiguous half of the tests and steals from the other's end when it runs dry
## (--dist worksteal), so a module's shared fixture (tests/demo/conftest.py) is made once,
## twice at most. Not --dist loadfile: pytest-xdist 3.8 hangs for good once a worker dies
## under it (pytest-xdist#1378); worksteal names the test it died on and goes on. (Fewer
## fuzz examples would starve the fuzzers' own "some file applied" checks.) With no
## server answering at PG_URL, scripts/with-postgres starts a throwaway one for the
## second pass (installing Debian's postgresql if needed) and stops it after.
test: $(VENV)/.installed chromium lint
	$(VENV)/bin/pytest -n 2 --dist worksteal -p no:cacheprovider
	PG_URL=$(PG_URL) scripts/with-postgres $(VENV)/bin/pytest -n 2 --dist worksteal -p no:cacheprovider --ignore=tests/browser -m "not browser" --database-tests-only

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

chromium:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

## The scheduling benchmarks (bench/run.py), then the progress report PDFs for a whole
## caseload on a throwaway database (bench/reports.py), then district plans against each
## provider alone (bench/district.py), then the pages under load (bench-load); each
## writes its section of docs/benchmarks.md.
bench: $(VENV)/.installed
	$(PY) -m bench.run
	$(PY) -m bench.reports
	$(PY) -m bench.district
	$(MAKE) bench-load

## The pages under load (bench/load.py): the large demo on a throwaway PostgreSQL database,
## the production server, locust at 1 and 20 users, LOAD_SECONDS each (15 for a quick run).
LOAD_SECONDS ?= 60
bench-load: $(VENV)/.installed
	$(PY) -m bench.load --seconds $(LOAD_SECONDS)

demo: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --size large
