"""Publishing what the site build does not: PDFs, the email edition and sending it, search."""
