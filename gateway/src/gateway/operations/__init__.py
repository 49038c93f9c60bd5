"""What the platform's operators do: the parked (dead-lettered) messages of every service."""
