"""Who is calling and what they may see: actors, roles and the one scoped accessor for rows."""
