"""Workflow definitions, one module per case kind and version."""
