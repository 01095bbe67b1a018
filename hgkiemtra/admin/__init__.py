"""The admin pages: organisations, users and roles, the working calendar,
reminder policy, the outbox and the local mail sink."""
