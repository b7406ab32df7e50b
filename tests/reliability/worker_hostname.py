"""[core] hostname_callable of the Celery workers that tests/reliability/conftest.py starts on one
machine: the name each task instance records is `<host>/<worker>`, so a test can tell the workers
apart (on separate machines Airflow's default, the FQDN, already does)."""

from __future__ import annotations

import os
import socket


def worker_hostname() -> str:
    return f"{socket.gethostname()}/{os.environ.get('STEPPE_TEST_WORKER', 'none')}"
