"""The administration shell of each space; later modules add their own admin pages."""
