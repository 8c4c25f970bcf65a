"""What admins change about the product itself: custom fields."""
