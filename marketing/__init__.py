"""Marketing: segments of CRM accounts and contacts, campaigns by e-mail and SMS, and their results."""
