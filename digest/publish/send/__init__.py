"""Sending: the journaled run, the one SMTP client, pacing, DKIM, tokens, roster."""
