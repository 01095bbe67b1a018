"""hgkiemtra: case-management workflow engine for Party inspection committees."""

__version__ = "0.1.0"
