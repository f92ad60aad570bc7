"""A case: its models (one per file), its files and typed views, its fields, checks and problems."""
