"""Content: the schema, the loader and the validator for frameworks and case studies."""
