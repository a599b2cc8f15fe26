"""The audio edition: an issue read aloud. The script (script, blocks, words, lexicon: pure),
said by a pluggable engine (engines/) into PCM (pcm), joined, loudness-normalised and
encoded by ffmpeg (encode), with its chapters and transcript (chapters), made by stamped
jobs in worker processes (jobs, synth), and described for pages and feeds (info)."""
