"""The problem's vocabulary: instances, rosters and the integer data every layer shares."""
