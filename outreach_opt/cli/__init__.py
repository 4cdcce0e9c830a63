"""The command line: parses, reads, solves, checks and prints; no rule logic lives here."""
