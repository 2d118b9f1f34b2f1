"""The web process's server settings, read by gunicorn from the working directory wherever it
runs (the Procfile, the Dockerfile, docker-compose.yml, ``bench/webhooks_bench.py``); a flag
on the command line overrides one of them.

``preload_app``: the master imports the project once and forks every worker from it. A
worker is replaced after ``max_requests`` (a cap on what a slow leak can hold), and at fleet
scale that is every few seconds: every message sent comes back as three or four webhooks.
Without preload each new worker imported Django and the project again, about 1.5 s of CPU
per 2,000 requests, as much as the receiver's own work on them; forked, it costs
milliseconds (``bench/README.md``, "gunicorn's worker restarts"). Nothing at import opens a
connection (Django, Redis and the broker connect on first use, in the worker), so the
forked workers share none.
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = 4
timeout = 60
max_requests = 2000
max_requests_jitter = 200
preload_app = True
