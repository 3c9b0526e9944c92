"""The turn store on PostgreSQL: records of every community in one database, searched where they are.

Nothing here is imported by the in-memory path: `psycopg` loads only when a PostgreSQL store is used.
"""
