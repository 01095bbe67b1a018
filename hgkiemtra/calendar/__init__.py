"""The deadline calendar: a month view in the UI and an iCalendar feed per user."""
