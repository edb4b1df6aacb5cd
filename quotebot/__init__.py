"""quotebot: the command-line composition root of the ``index`` and ``bot`` packages."""
