#!/bin/sh
# Installs what the scanner's OCR needs from Debian when it is missing: Tesseract with the
# Bulgarian language data, and the DejaVu fonts the generated test invoices are drawn with.
# Runs from `make up` and `make test`; a no-op once everything is there.
set -e
have_bul() { command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx bul; }
have_font() { [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; }
if have_bul && have_font; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing tesseract-ocr, tesseract-ocr-bul and fonts-dejavu-core ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-bul tesseract-ocr-eng fonts-dejavu-core >/dev/null
  have_bul && have_font && exit 0
fi
echo "the scanner needs Tesseract OCR with Bulgarian data and the DejaVu fonts:" >&2
echo "  sudo apt-get install tesseract-ocr tesseract-ocr-bul fonts-dejavu-core" >&2
exit 1
