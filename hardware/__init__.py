"""Device drivers for the kiosk (speech; a receipt printer later). Pure Python, no Flask."""
