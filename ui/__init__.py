"""PySide6 presentation. Calls services in `app`; holds no SQL session and no business rule."""
