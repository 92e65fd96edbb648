"""The pure core of CUIOT: entities, value objects and rules. Standard library only."""
