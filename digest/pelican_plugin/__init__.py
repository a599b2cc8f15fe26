"""digest's Pelican plugin: reads issue Markdown with markdown-it-py and writes the exports.

Pelican loads it from PLUGINS = ["digest.pelican_plugin"] and calls register().
"""

from __future__ import annotations

from pelican import signals

from digest.pelican_plugin import audio, drafts, feeds, incremental, pages, podcast, static_links
from digest.pelican_plugin.exports import write_exports
from digest.pelican_plugin.reader import add_reader, forget_markdown_package, stamp_from_check


def register() -> None:
    signals.readers_init.connect(add_reader)
    signals.article_generator_init.connect(stamp_from_check)
    signals.page_generator_init.connect(stamp_from_check)
    signals.article_generator_init.connect(incremental.cache_saves_put_off)
    signals.page_generator_init.connect(incremental.cache_saves_put_off)
    signals.article_generator_preread.connect(forget_markdown_package)
    signals.page_generator_preread.connect(forget_markdown_package)
    signals.article_writer_finalized.connect(write_exports)
    signals.get_writer.connect(incremental.get_writer)
    feeds.register()
    pages.register()  # sections across issues, 404, sitemap.xml, robots.txt
    drafts.register()  # an issue set back to draft: what was published of it is withdrawn
    audio.register()  # each issue's audio edition, for its page and issue.json (DIGEST_AUDIO)
    podcast.register()  # feeds/podcast.xml
    static_links.register()  # no search for `{static}` links in a body that has none
