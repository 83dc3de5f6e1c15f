"""ETL for international-programs facts: sources → extract → resolve → load."""

__version__ = "0.1.0"
