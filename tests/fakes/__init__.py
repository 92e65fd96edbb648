"""In-memory adapters for every port, so the whole application runs without
infrastructure (tests, features, quick experiments)."""
