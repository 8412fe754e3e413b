"""Prices for kinds of customer: which of a supplier's price lists a buyer gets (by CRM account or segment), promotions and volume tiers, the price a quote and a commercial offer use."""
