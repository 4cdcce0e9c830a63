"""Reading instances and rosters from files, and writing outputs atomically."""
