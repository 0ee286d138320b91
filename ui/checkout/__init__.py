"""The checkout screen (收银): find a household, see its bills, take the money."""
