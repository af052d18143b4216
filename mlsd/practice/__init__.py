"""The framework walk-through: sessions, rubric matching, history."""
