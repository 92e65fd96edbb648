"""Use cases, one per user intent, and the ports they need from the outside world."""
