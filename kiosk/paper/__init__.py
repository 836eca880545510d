"""Pure page finding for papers held up to the kiosk camera: no Flask, no database."""
from kiosk.paper.page import PageAdvice, PageReport, encode_jpeg, find_page, straighten
from kiosk.paper.qr import read_qr

__all__ = ["PageAdvice", "PageReport", "encode_jpeg", "find_page", "read_qr", "straighten"]
