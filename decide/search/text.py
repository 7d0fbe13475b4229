"""The one text normalisation both search engines see, for documents and for queries alike.

Indexed content and user queries go through the same `normalise()`, so matching is
accent- and case-insensitive on SQLite and PostgreSQL in the same way, whatever each engine's
tokenizer would do on its own. `query_terms()` is the only path from user input to an engine:
it keeps letters and digits only, so no search syntax (FTS5 `"`, `*`, `NEAR`, `AND`; tsquery
`&`, `|`, `!`, `:*`) can ever reach a MATCH or a to_tsquery().
"""

from __future__ import annotations

import re
import unicodedata

MAX_TERMS = 10
MAX_TERM_LENGTH = 40
# Longer input cannot add terms worth having (10 terms of 40 characters at most); cutting it
# first keeps the work done per query small whatever is pasted into the box.
MAX_QUERY_CHARS = 2_000

# Letters that carry no combining mark under NFKD but that readers treat as plain letters.
_LETTERS = str.maketrans({
    "ø": "o", "đ": "d", "ð": "d", "ł": "l", "ħ": "h", "ı": "i", "ŧ": "t",
    "æ": "ae", "œ": "oe", "þ": "th",
})
# Everything that is not a letter or a digit: Markdown and other punctuation, symbols, emoji,
# underscores (Markdown emphasis) and whitespace of any kind.
_SEPARATORS = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Lower-cased, accent-free words separated by single spaces.

    "Participación **ciudadana** en São Paulo" -> "participacion ciudadana en sao paulo".
    NFKD also folds compatibility forms (ligatures, full-width letters, superscripts), so what a
    person types matches what an author wrote however either keyboard encoded it.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    unmarked = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SEPARATORS.sub(" ", unmarked.translate(_LETTERS)).strip()


def query_terms(query: str) -> list[str]:
    """The distinct normalised words of a user query, safe to hand to either engine.

    Words of one character are dropped (they would prefix-match nearly everything); at most
    `MAX_TERMS` terms of at most `MAX_TERM_LENGTH` characters are kept, so a query's cost is
    bounded. An empty list means there is nothing to search for.
    """
    terms: list[str] = []
    for word in normalise(query[:MAX_QUERY_CHARS]).split():
        term = word[:MAX_TERM_LENGTH]
        if len(term) > 1 and term not in terms:
            terms.append(term)
            if len(terms) == MAX_TERMS:
                break
    return terms
