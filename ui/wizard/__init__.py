"""First-run wizard (首次使用向导): ui/wizard/first_run.py."""
