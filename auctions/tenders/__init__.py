"""Tenders and their lots, up to the live auction: the services by responsibility, and the reads.

draft tender (+ lots, documents, invitations) --publish--> published, every lot draft -> published
lot: published --close applications (deadline passed)--> applications_closed
     applications_closed --schedule--> auction_scheduled (enough admitted)
                                   \\-> failed (too few admitted)
                                   (exactly one admitted + allow_single_award: stays, awaiting a
                                   direct award by the auction engine)
tender or lot --cancel (reason)--> cancelled (from any state the lot table allows)

* ``validation``: the rules a draft tender and its lots must meet, the lot defaults;
* ``drafting``: create, change, delete, publish and cancel tenders and lots;
* ``documents``, ``invitations``: a tender's files and its invited suppliers;
* ``applications``: apply, withdraw, admit and reject (with the weighted criteria's values);
* ``questions``: suppliers ask, the buyer answers;
* ``scheduling``: closing applications and scheduling (or failing) a lot's auction;
* ``lot_import``: lots from an XLSX file, and its template;
* ``selectors``: the reads and who sees what.

Each public function is one ``transaction.atomic``. Row locks are taken through
``auctions.lock_objects``: the tender row first, then lots; a lot's state changes only through
``states.lot_transition`` and every event is appended under the lot's lock, the lot saved with its
chain fields. What other domains must hear (publication, invitations, applications decided,
questions answered) is written as domain events in the same transaction (``outbox.py``); the
notifications app tells people by e-mail and in the app from them.
"""
