"""Finding and counting cases: the list and its search and filters, exports, the overview
counts, and the access log (Logboek Dataverwerkingen)."""
