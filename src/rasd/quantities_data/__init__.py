"""Lexicons of the quantities stage (TSV files; see each header for its source)."""
