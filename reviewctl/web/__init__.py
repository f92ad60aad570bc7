"""The web face: `reviewctl serve`, every step of a case as a form in a browser.

A face beside reviewctl/cli/: it reads the store through core/reports/live_pages.py, renders the
site's templates through the adapters, and does each step by running the very command
the shell runs (cli/app.py's `main`), so a step has one set of checks and one commit
wherever it is taken.  Nothing outside this package imports it but `reviewctl serve`,
and that only when it runs.
"""
