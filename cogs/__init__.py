"""Thin Discord adapters: each module is an extension that validates options, calls the domain, renders."""
