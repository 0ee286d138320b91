"""The customer pole display (客显): the interface and its bytes (base), the serial driver
(serial_display) and a fake display over a pty that decodes what it is sent (fake)."""
