"""pelican_plugin stage."""
