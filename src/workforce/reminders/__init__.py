"""Reminders: what is due soon for each school, trust and person, and the email digest that says so."""
