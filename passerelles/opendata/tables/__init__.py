"""CSV and XLSX tables of organisations and of projects: reader, templates and mappers."""
