"""Knowledge search and articles."""
