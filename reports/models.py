"""The reports app has no tables: it reads the other apps through query functions."""
