"""RTW's local infrastructure, run as plain processes: see `rtw-stack --help` and the README."""
