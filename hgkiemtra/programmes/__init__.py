"""Annual inspection and supervision programmes and annual targets."""
