"""Approvals that can be trusted: the base branch, who may approve, and the verification of
signatures."""
