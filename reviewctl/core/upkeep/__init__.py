"""Keeping the store sound: validate (every problem, never a change), doctor (mend what an
interrupted step left), sync with the team's remote (keys reconciled after)."""
