"""The core: cases, workflow, clocks and the store.  It never prints and never prompts."""
