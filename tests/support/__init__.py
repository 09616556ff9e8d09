"""Test harness shared by tests that need real processes: a gunicorn server, database holds and faults."""
