"""gunicorn's settings for Passerelles (docs/deployment.md §5):

    gunicorn config.wsgi:application -c config/gunicorn.conf.py

Every value may be overridden on the command line or through GUNICORN_* variables below; the
load benchmark (bench/load.py) runs with this file, so its figures are those of this setup."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
# Two staff actions still run inside their request and may take up to two minutes (the meeting
# scheduler, a web import): past this, gunicorn kills the worker (docs/deployment.md §5).
timeout = 150
# The heartbeat file of each worker in memory rather than on a disk that may be slow or full.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None


def post_worker_init(worker):
    """Each worker builds the partner-suggestion index in the background as it starts, so no
    visitor's request waits for it; after an edit the index is patched, not rebuilt
    (passerelles/bridges/suggest/refresh.py)."""
    from passerelles.bridges.suggest.index import warm_in_background

    warm_in_background()
