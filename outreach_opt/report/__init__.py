"""Rendering rosters for people: exports (CSV, iCalendar, Excel, YAML, JSON) and the HTML report."""
