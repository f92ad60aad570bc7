"""The store: finding it, its settings, creating it, the transaction that makes one step one
commit."""
