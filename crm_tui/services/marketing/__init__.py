"""Marketing: lists (lists, list_members), campaigns and their steps
(campaigns, steps, distribution), responses, the campaign's figures (funnel),
email that is really sent (mail/) and sales literature (literature)."""
