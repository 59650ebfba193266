"""Units and the dispatcher's controls: duty, unit status, live positions (cache, not rows), area
of play, Signal 100, active dispatchers, radio channels, tones, and the stale-unit sweeps."""
