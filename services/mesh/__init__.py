"""Running the mesh: code generation, the edge config, the database and the launcher."""
