"""Support: cases and their queues, routing and SLAs, contracts, and service scheduling."""
