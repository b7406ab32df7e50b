"""Spike (issue 14): the task-instance hostname Airflow records, told apart per Celery worker.

Both workers of the spike run on one machine, so socket.getfqdn() would name them alike; the
launcher gives each worker STEPPE_SPIKE_WORKER and [core] hostname_callable points here.
"""

from __future__ import annotations

import os
import socket


def worker_hostname() -> str:
    return f"{socket.gethostname()}/{os.environ.get('STEPPE_SPIKE_WORKER', 'none')}"
