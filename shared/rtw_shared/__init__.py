"""The RTW common library: used the same way by every service (see CONTRIBUTING.md)."""
