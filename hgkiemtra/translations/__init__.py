"""Message catalogs (Flask-Babel): msgids are Vietnamese, ``en/`` is English."""
