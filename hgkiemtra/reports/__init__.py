"""Statistics and reports: the quarterly and annual figures (domain.md §7),
their charts and exports, issued reports with frozen figures, the printable
case dossier, and the risk ranking (``risk*.py``)."""
