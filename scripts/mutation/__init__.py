"""Mutation testing of the reference SUTs with the harness as the oracle (``make mutation``; see run.py)."""
