"""Writers of the open-data exports: CSV/XLSX (tabular), GeoJSON, JSON-LD, Murmurations."""
