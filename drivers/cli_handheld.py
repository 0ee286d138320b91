"""`propdesk handheld …` commands (issue 13): registered through the propdesk.commands entry point."""
