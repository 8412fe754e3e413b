"""The lot's protocol: what happened in a finished auction, read from the database and rendered
as PDF (WeasyPrint), CSV or XLSX.

There are two versions. The buyer's (``supplier_id=None``; also what platform admins get) names
every supplier. A supplier's (``supplier_id`` = its company) shows the others as "Bidder #N" and
names them only when the tender reveals identities and the lot has closed; it leaves out what only
the buyer may see (the reserve price, the buyer's notes and reasons, who at the buyer did what,
the other bidders' proxy floors being set).

The modules, in the order the content flows (import each name from the module that defines it;
this package re-exports nothing):

- ``record``: ``protocol_build`` reads a finished lot into a ``Protocol``;
- ``tables``: ``protocol_tables`` lays the content out as sections of typed cells;
- ``render``: the renderers turn those sections into a PDF, CSV or XLSX file, so the three
  formats always say the same thing;
- ``formatting``: money and times as the record and the renderers write them;
- ``access``: ``protocol_viewer``, who may have which version;
- ``storage``: ``protocol_store`` keeps the buyer's PDF in the private storage with its sha256
  (``LotProtocol``); ``protocol_file`` is the document a viewer downloads;
- ``tasks``: ``protocol_schedule`` runs ``protocol_store`` in a Celery task after a close or an
  award.
"""
