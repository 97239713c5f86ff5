"""IATI activity files (2.01 to 2.03) in and out.

reader (bytes → records) → mapper (records → projects and organisations) → importer (one
transaction, dry run by default, a report); writer (projects → IATI 2.03); validate (schema
and codelists, from the copies in data/).
"""
