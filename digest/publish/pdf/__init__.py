"""The PDF: jobs (what to print), WeasyPrint rendering, worker processes."""
