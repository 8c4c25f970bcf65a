"""Marketing (area 9): campaigns, their steps and responses, marketing lists and sales literature."""
