"""Administration: the switches that halt registrations and new projects, prohibited names,
suspended users, quarantined projects, and the log of every administrator's action."""
