"""Billing: tariffs in force, bill runs, bills with late fees, corrections, waivers."""
