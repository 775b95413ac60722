"""Signing in: sessions and their limits, initial passwords, two-factor sign-in, their pages."""
