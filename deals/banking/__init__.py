"""Bank reconciliation: the platform's bank statements read (``formats``: camt.053, MT940,
1CClientBankExchange), stored once (``services.statement_import``), their incoming lines
matched to the platform's open invoices (``matching``, pure) and confirmed by a platform admin,
who pays the invoice through ``deals.payments.invoices.invoice_paid``, the one service every
payment goes through. docs/api/payments.md, "Bank reconciliation"."""
