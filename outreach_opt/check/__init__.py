"""The independent checker: plain Python, no OR-Tools, the judge of every roster."""
