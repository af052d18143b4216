"""Self-quiz: the question bank, FSRS scheduling, sessions and stats."""
