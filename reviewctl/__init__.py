"""reviewctl: statutory case reviews (LCSPR, SAR, DHR) tracked in a git repository."""

__version__ = "0.1.0"
