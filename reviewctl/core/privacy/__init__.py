"""Identifiers: encrypted at rest, their keys and recipients, the guards, retention and purge."""
