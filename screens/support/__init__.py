"""The case queue, cases, contracts and the service schedule."""
