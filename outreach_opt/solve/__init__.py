"""The CP-SAT core: the only package that imports OR-Tools."""
