"""RTW notify: tells people what happened — an in-app inbox, and email sent from rows."""
