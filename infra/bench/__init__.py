"""`make bench`: the real stack (Daphne, PostgreSQL, the Redis channel layer) measured against
this machine's own baselines (pgbench, a plain `websockets` relay) in the same run.

Modules: ``stack`` starts and stops the throwaway servers and processes, ``seed`` fills a fresh
database (run as its own process with Django set up), ``client`` drives websockets from a
separate process, ``relay`` is the minimal websockets server used as the fan-out and memory
baseline, ``pgbench`` the database baseline, ``run`` the command (``python -m infra.bench``).
See docs/benchmarks.md.
"""
