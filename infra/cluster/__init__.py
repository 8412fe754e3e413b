"""Tradefloor at production's shape on one machine, and the check that it runs an auction exactly
as the embedded default does (docs/cluster.md).

    python -m infra.cluster            # `make cluster`: start it, run until Ctrl-C
    python -m infra.cluster check      # `make cluster-check`: the scripted auction on both, compared

Modules: ``stacks`` (the processes), ``haproxy`` (the load balancer's configuration), ``seed``
(the scripted lot), ``script`` (the scripted auction), ``protocol`` (the lot's protocol as
compared), ``check`` (the comparison run).
"""
