"""Scanning from a camera: OpenCV capture and pyzbar decoding (camera), a fake camera that
plays image files (fake) and the code images the tests and the demo show it (images)."""
