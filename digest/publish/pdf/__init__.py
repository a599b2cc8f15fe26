"""The PDF: jobs (what to print), WeasyPrint rendering, worker processes, and what the
bundled fonts can print (glyphs)."""
