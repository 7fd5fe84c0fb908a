"""Site-wide pages: home, support resources, health check."""
