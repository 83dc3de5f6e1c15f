"""Canonical ids for schools, offices and partners; countries; reference data."""
