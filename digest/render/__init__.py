"""Pure rendering: Markdown in and out, Jinja templates. No I/O beyond reading templates."""
