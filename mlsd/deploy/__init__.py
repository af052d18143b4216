"""Rolling out a retrained model: shadow, canary, A/B and blue-green on replayed traffic."""
