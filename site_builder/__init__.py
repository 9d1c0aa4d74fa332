"""vap-portal: value-added plans in, a searchable read-only intranet site out."""

__version__ = "0.1.0"
