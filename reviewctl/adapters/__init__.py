"""Adapters: the only modules that touch the outside world (YAML, git, Jinja, the calendar)."""
