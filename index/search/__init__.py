"""Search: query reading, the lexical and vector indexes, and the Engine that ranks and abstains."""
