"""Bidding: the only place bid rows are written.

``outcomes`` (what a bid request and its answer are), ``inputs`` (amounts and client ids as
people send them), ``writer`` (the rows an accepted bid writes), ``store`` and ``postgres`` (how
a batch reads and writes: the ORM everywhere, one round trip on PostgreSQL), ``place`` (the bid
path: manual, surrogate and batched bids), ``proxy``, ``quote`` and ``withdraw``. The formats
(``auctions.formats``) decide whether a bid is accepted; this package records what they decided.
"""
