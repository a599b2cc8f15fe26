"""What the tests stand on: servers on 127.0.0.1, process probes, downloaders of test tools,
the mutation runner. Not tests themselves."""
