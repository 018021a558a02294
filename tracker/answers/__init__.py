"""Answers: the records questions return, and the answers computed from several views
(the forecast, the announcement ledger)."""
