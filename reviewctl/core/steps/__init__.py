"""The steps of the process, one module per group of commands: each loads, checks, edits and
commits."""
