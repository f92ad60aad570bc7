"""Deadlines: when each clock of a case falls due, where it stands, its pauses and extensions."""
