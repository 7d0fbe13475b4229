"""Lists of any module's items: declared orderings, tag/district/words filters, pagination."""
