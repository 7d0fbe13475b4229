"""Participatory budgets: allocation rules (`rules`) and the PaBuLib `.pb` format (`pabulib`).

Both modules are pure: no web or database code, so results can be recomputed anywhere.
"""
