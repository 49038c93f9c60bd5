"""The work list (*Te doen*): per organisation or per user, how many cases wait for what."""
