"""The workflow as data: actions, stages, transitions, requirements, clocks, statutory rules."""
