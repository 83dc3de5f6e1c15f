"""Shared widgets built by small factory functions (navbar, filter bar, KPI cards, chart cards)."""
